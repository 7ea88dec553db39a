// The pooling family's CPU reference against real PyTorch (test/fixtures/pooling.json): values, indices, shapes
// and every error message in PyTorch's order, through the nn modules; the 2-D wrappers of `reference` too.
import { describe, expect, test } from 'vitest';
import { reference } from '../../../src/index.js';
import { expectClose } from '../../helpers/compare.js';
import {
  describePooling,
  type PoolingFixture,
  poolingExpected,
  poolingFixtures,
  poolingInput,
  poolingMessage,
  runPoolingCpu,
} from '../../helpers/poolingFixtures.js';

const outputs = poolingFixtures.cases.filter((c) => !c.error);
const errors = poolingFixtures.cases.filter((c) => c.error);

function check(fixture: PoolingFixture): void {
  const result = runPoolingCpu(fixture);
  const [values, indices] = Array.isArray(result) ? result : [result, null];
  expect(values.shape, describePooling(fixture)).toEqual(fixture.shape);
  expectClose(values.data, poolingExpected(fixture), describePooling(fixture));
  expect(indices === null, `${describePooling(fixture)}: indices returned`).toBe(fixture.indices === undefined);
  if (indices) expect(Array.from(indices.data), `${describePooling(fixture)}: indices`).toEqual(fixture.indices);
}

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

const hasWrapper = (fixture: PoolingFixture) => fixture.op === 'avg_pool2d' || fixture.op === 'adaptive_avg_pool2d';

/** `reference.avgPool2d` / `reference.adaptiveAvgPool2d`: the public 2-D wrappers over the family's reference. */
function runWrapper(fixture: PoolingFixture) {
  const a = fixture.args as Record<string, any>;
  const data = poolingInput(fixture);
  return fixture.op === 'avg_pool2d'
    ? reference.avgPool2d(data, fixture.input, a.kernelSize, {
        stride: a.stride,
        padding: a.padding,
        ceilMode: a.ceilMode,
        countIncludePad: a.countIncludePad,
        divisorOverride: a.divisorOverride,
      })
    : reference.adaptiveAvgPool2d(data, fixture.input, a.outputSize);
}

describe(`the pooling family's reference vs PyTorch ${poolingFixtures.torch}`, () => {
  test('the fixtures cover every op, with values and errors', () => {
    const ops = [
      'avg_pool1d',
      'avg_pool2d',
      'avg_pool3d',
      'max_pool1d',
      'max_pool2d',
      'max_pool3d',
      'lp_pool1d',
      'lp_pool2d',
      'adaptive_avg_pool1d',
      'adaptive_avg_pool2d',
      'adaptive_avg_pool3d',
      'adaptive_max_pool1d',
      'adaptive_max_pool2d',
      'adaptive_max_pool3d',
      'max_unpool1d',
      'max_unpool2d',
      'max_unpool3d',
    ];
    expect([...new Set(poolingFixtures.cases.map((c) => c.op))].sort()).toEqual([...ops].sort());
    for (const op of ops) {
      expect(outputs.filter((c) => c.op === op).length, `${op} values`).toBeGreaterThan(0);
      expect(errors.filter((c) => c.op === op).length, `${op} errors`).toBeGreaterThan(0);
    }
    expect(outputs.filter((c) => c.op === 'avg_pool2d').length).toBeGreaterThan(300);
    expect(outputs.filter((c) => c.op === 'adaptive_avg_pool2d').length).toBeGreaterThan(50);
  });

  test.each([...new Set(outputs.map((c) => c.op))])('%s: every value case', (op) => {
    for (const fixture of outputs.filter((c) => c.op === op)) check(fixture);
  });

  // nn.AvgPool2d and nn.AdaptiveAvgPool2d check their arguments when constructed, so a case that is wrong in both
  // its input and its arguments meets the argument check first there; the reference functions check in PyTorch's order.
  test.each(errors.map((c) => [describePooling(c), c] as const))('rejects %s', (_, fixture) => {
    const thrown = thrownBy(() => (hasWrapper(fixture) ? runWrapper(fixture) : runPoolingCpu(fixture)));
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.message).toBe(poolingMessage(fixture));
    expect(thrown.name).toBe(fixture.error!.type);
  });

  test("reference.avgPool2d and reference.adaptiveAvgPool2d give PyTorch's values", () => {
    for (const fixture of outputs.filter(hasWrapper)) {
      const result = runWrapper(fixture);
      expect(result.shape, describePooling(fixture)).toEqual(fixture.shape);
      expectClose(result.data, poolingExpected(fixture), describePooling(fixture));
    }
  });
});

describe('named cases', () => {
  test('the seed examples give PyTorch shapes', () => {
    const seeds = outputs.filter((c) => c.name?.startsWith('seed:')).map((c) => runWrapper(c).shape);
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
