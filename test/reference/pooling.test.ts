// The CPU reference against real PyTorch (test/fixtures/pooling.json): outputs, shapes and error messages.
import { describe, expect, test } from 'vitest';
import { reference } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { avgPoolOptions, currentPyTorchMessage, describeFixture, expectedOf, inputOf, poolingFixtures, type PoolingFixture } from '../helpers/fixtures.js';

function runReference(fixture: PoolingFixture) {
  const data = inputOf(fixture);
  return fixture.op === 'avg_pool2d'
    ? reference.avgPool2d(data, fixture.input, fixture.args.kernelSize, avgPoolOptions(fixture))
    : reference.adaptiveAvgPool2d(data, fixture.input, fixture.args.outputSize);
}

const outputs = poolingFixtures.cases.filter((c) => !c.error);
const errors = poolingFixtures.cases.filter((c) => c.error);

describe(`reference vs PyTorch ${poolingFixtures.torch}`, () => {
  test('the fixtures cover outputs and errors of both ops', () => {
    expect(outputs.filter((c) => c.op === 'avg_pool2d').length).toBeGreaterThan(300);
    expect(outputs.filter((c) => c.op === 'adaptive_avg_pool2d').length).toBeGreaterThan(50);
    expect(errors.length).toBeGreaterThan(20);
  });

  test.each(outputs.map((c) => [describeFixture(c), c] as const))('%s', (_, fixture) => {
    const result = runReference(fixture);
    expect(result.shape).toEqual(fixture.shape);
    expectClose(result.data, expectedOf(fixture), describeFixture(fixture));
  });

  test.each(errors.map((c) => [describeFixture(c), c] as const))('rejects %s', (_, fixture) => {
    let thrown: unknown;
    try {
      runReference(fixture);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(currentPyTorchMessage(fixture.error!.message));
    expect((thrown as Error).name).toBe(fixture.error!.type);
  });
});

describe('named cases', () => {
  test('the seed examples give PyTorch shapes', () => {
    const seeds = outputs.filter((c) => c.name?.startsWith('seed:')).map((c) => runReference(c).shape);
    expect(seeds).toEqual([
      [1, 64, 5, 7],
      [1, 64, 7, 7],
      [1, 64, 10, 7],
      [1, 64, 1, 1],
    ]);
  });

  test('the ceil-mode conformance vector of shared/REFERENCE.md (pytorch#183528)', () => {
    const x = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const opts = { stride: 2, padding: 1, ceilMode: true };
    const included = reference.avgPool2d(x, [1, 1, 4, 4], 3, { ...opts, countIncludePad: true });
    const excluded = reference.avgPool2d(x, [1, 1, 4, 4], 3, { ...opts, countIncludePad: false });
    expectClose(included.data, [1.5555556, 3.3333333, 2.0, 6.3333335, 11.0, 6.0, 4.5, 7.5, 4.0], 'count_include_pad=True');
    expectClose(excluded.data, [3.5, 5, 6, 9.5, 11, 12, 13.5, 15, 16], 'count_include_pad=False');
  });

  test('a data length that does not match the shape is a clear error', () => {
    expect(() => reference.avgPool2d(new Float32Array(5), [1, 1, 2, 2], 2)).toThrow('data has 5 elements but shape [1, 1, 2, 2] needs 4');
  });
});
