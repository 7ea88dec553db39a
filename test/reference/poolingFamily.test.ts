// The rest of the pooling family on the CPU reference, through the nn modules, against real PyTorch
// (test/fixtures/pooling_family.json): values, indices, shapes and every error message in PyTorch's order.
import { describe, expect, test } from 'vitest';
import { expectClose } from '../helpers/compare.js';
import { describeFamily, familyExpected, familyFixtures, familyMessage, runFamilyCpu, type FamilyFixture } from '../helpers/familyFixtures.js';

const outputs = familyFixtures.cases.filter((c) => !c.error);
const errors = familyFixtures.cases.filter((c) => c.error);

function check(fixture: FamilyFixture): void {
  const result = runFamilyCpu(fixture);
  const [values, indices] = Array.isArray(result) ? result : [result, null];
  expect(values.shape, describeFamily(fixture)).toEqual(fixture.shape);
  expectClose(values.data, familyExpected(fixture), describeFamily(fixture));
  expect(indices === null, `${describeFamily(fixture)}: indices returned`).toBe(fixture.indices === undefined);
  if (indices) expect(Array.from(indices.data), `${describeFamily(fixture)}: indices`).toEqual(fixture.indices);
}

describe(`the pooling family's reference vs PyTorch ${familyFixtures.torch}`, () => {
  test('the fixtures cover every op, with values and errors', () => {
    const ops = new Set(familyFixtures.cases.map((c) => c.op));
    for (const op of [
      'max_pool1d',
      'max_pool2d',
      'max_pool3d',
      'avg_pool1d',
      'avg_pool3d',
      'lp_pool1d',
      'lp_pool2d',
      'adaptive_avg_pool1d',
      'adaptive_avg_pool3d',
      'adaptive_max_pool1d',
      'adaptive_max_pool2d',
      'adaptive_max_pool3d',
      'max_unpool1d',
      'max_unpool2d',
      'max_unpool3d',
    ]) {
      expect(ops.has(op), op).toBe(true);
      expect(
        outputs.some((c) => c.op === op),
        `${op} values`,
      ).toBe(true);
      expect(
        errors.some((c) => c.op === op),
        `${op} errors`,
      ).toBe(true);
    }
  });

  test.each([...new Set(outputs.map((c) => c.op))])('%s: every value case', (op) => {
    for (const fixture of outputs.filter((c) => c.op === op)) check(fixture);
  });

  test.each(errors.map((c) => [describeFamily(c), c] as const))('rejects %s', (_, fixture) => {
    let thrown: unknown;
    try {
      runFamilyCpu(fixture);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'threw').toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(familyMessage(fixture));
    expect((thrown as Error).name).toBe(fixture.error!.type);
  });
});
