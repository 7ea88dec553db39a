// The WGSL pooling kernels on real WebGPU (Dawn, software adapters here), against real PyTorch fixtures and the
// CPU reference on chosen edge cases (test/fuzz.test.ts runs the seeded random configurations).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, KERNEL_STRATEGIES, Tensor, autotune, compiledPipelineCount, kernelStrategy, liveBytes, reference } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { env, testAdapters, testDevice } from '../helpers/device.js';
import { avgPoolOptions, currentPyTorchMessage, describeFixture, expectedOf, inputOf, poolingFixtures, type PoolingFixture } from '../helpers/fixtures.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { withStrategy } from '../helpers/strategies.js';

const BASE_SEED = Number(env('POOLING_SEED') ?? 20261127);

function runFixture(fixture: PoolingFixture, x: Tensor): Tensor {
  return fixture.op === 'avg_pool2d' ? F.avgPool2d(x, fixture.args.kernelSize, avgPoolOptions(fixture)) : F.adaptiveAvgPool2d(x, fixture.args.outputSize);
}

describe.each(testAdapters())('pooling kernels on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter);
  });
  afterAll(() => device?.destroy());

  test('match PyTorch on every fixture (all queued before any readback)', async () => {
    const fixtures = poolingFixtures.cases.filter((c) => !c.error);
    const runs = fixtures.map((fixture) => {
      const x = Tensor.fromArray(device, inputOf(fixture), fixture.input);
      return { fixture, x, y: runFixture(fixture, x) };
    });
    for (const { fixture, x, y } of runs) {
      expect(y.shape, describeFixture(fixture)).toEqual(fixture.shape);
      expectClose(await y.toArray(), expectedOf(fixture), describeFixture(fixture));
      x.dispose();
      y.dispose();
    }
  });

  test("reject what PyTorch rejects, with PyTorch's message, synchronously and before any GPU work", async () => {
    for (const fixture of poolingFixtures.cases.filter((c) => c.error)) {
      const x = Tensor.fromArray(device, inputOf(fixture), fixture.input);
      const before = liveBytes(device);
      expect(() => runFixture(fixture, x), describeFixture(fixture)).toThrow(currentPyTorchMessage(fixture.error!.message));
      expect(liveBytes(device), 'no buffer was allocated').toBe(before);
      x.dispose();
    }
    // The device is still usable afterwards.
    const x = Tensor.fromArray(device, new Float32Array([1, 2, 3, 4]), [1, 2, 2]);
    expect(await F.avgPool2d(x, 2).toArray()).toEqual(new Float32Array([2.5]));
    x.dispose();
  });

  test.each(Object.keys(KERNEL_STRATEGIES.global_avg_pool))('the global pool strategy "%s" matches the reference', async (strategy) => {
    await withStrategy(device, 'global_avg_pool', strategy, async () => {
      const random = seededRandom(BASE_SEED + 1);
      // Plane sizes below, at and above the workgroup size and the vec4 step; whole-map AvgPool2d divisors too.
      for (const shape of [
        [3, 1, 1],
        [2, 5, 1, 3],
        [1, 7, 8, 8],
        [2, 3, 13, 11],
        [70000, 2, 2],
      ]) {
        const data = randomData(
          random,
          shape.reduce((a, b) => a * b, 1),
        );
        const x = Tensor.fromArray(device, data, shape);
        const [h, w] = shape.slice(-2) as [number, number];
        const runs = [
          [F.adaptiveAvgPool2d(x, 1), reference.adaptiveAvgPool2d(data, shape, 1)],
          [F.avgPool2d(x, [h, w], { divisorOverride: 3 }), reference.avgPool2d(data, shape, [h, w], { divisorOverride: 3 })],
        ] as const;
        for (const [gpu, cpu] of runs) {
          expectClose(await gpu.toArray(), cpu.data, `${strategy} on [${shape}]`);
          gpu.dispose();
        }
        x.dispose();
      }
    });
  });

  test('autotune runs every strategy of every tunable kernel and the device then runs the fastest', async () => {
    const results = await autotune(device, { runs: 3 });
    expect(results.map((r) => r.kernel)).toEqual(Object.keys(KERNEL_STRATEGIES));
    // Every strategy was really run: its pipelines are compiled, so switching to any of them compiles nothing.
    const compiled = compiledPipelineCount(device);
    for (const result of results) {
      expect(Object.keys(result.timesMs).sort()).toEqual(Object.keys(KERNEL_STRATEGIES[result.kernel]).sort());
      for (const ms of Object.values(result.timesMs)) expect(ms).toBeGreaterThan(0);
      expect(result.timesMs[result.chosen]).toBe(Math.min(...Object.values(result.timesMs)));
      expect(kernelStrategy(device, result.kernel)).toBe(result.chosen);
    }
    await withStrategy(device, 'pool_window', 'run4', async () => {
      await withStrategy(device, 'pool_adaptive', 'output', async () => {
        const x = Tensor.fromArray(device, new Float32Array(4 * 64 * 56 * 56), [4, 64, 56, 56]); // autotune's own shape
        for (const y of [F.avgPool2d(x, 3, { stride: 2, padding: 1 }), F.adaptiveAvgPool2d(x, 7)]) {
          await y.toArray();
          y.dispose();
        }
        x.dispose();
      });
    });
    expect(compiledPipelineCount(device)).toBe(compiled);
  });

  test('fold grids over 65,535 workgroups: more than 4 million outputs', async () => {
    const random = seededRandom(BASE_SEED);
    const shape = [1, 4, 1024, 1030];
    const data = randomData(random, 4 * 1024 * 1030);
    const x = Tensor.fromArray(device, data, shape);
    const identity = F.avgPool2d(x, 1); // 4,218,880 outputs → 65,920 workgroups of 64
    expect(identity.size).toBeGreaterThan(4_000_000);
    expectClose(await identity.toArray(), data, 'AvgPool2d(1) on [1,4,1024,1030]');
    const small = Tensor.fromArray(device, data.subarray(0, 64), [1, 1, 8, 8]);
    const upsampled = F.adaptiveAvgPool2d(small, [2048, 2050]);
    expect(upsampled.size).toBeGreaterThan(4_000_000);
    expectClose(await upsampled.toArray(), reference.adaptiveAvgPool2d(data.slice(0, 64), [1, 1, 8, 8], [2048, 2050]).data, 'adaptive 8x8 → 2048x2050');
    for (const t of [x, identity, small, upsampled]) t.dispose();
  });

  test('empty inputs and outputs give empty results as in PyTorch', async () => {
    const emptyBatch = Tensor.fromArray(device, new Float32Array(0), [0, 3, 4, 8]);
    const pooled = F.avgPool2d(emptyBatch, 2);
    expect(pooled.shape).toEqual([0, 3, 2, 4]);
    expect(await pooled.toArray()).toEqual(new Float32Array(0));
    const x = Tensor.fromArray(device, new Float32Array(96), [1, 3, 4, 8]);
    const none = F.adaptiveAvgPool2d(x, [0, 2]);
    expect(none.shape).toEqual([1, 3, 0, 2]);
    expect((await none.toArray()).length).toBe(0);
    for (const t of [emptyBatch, pooled, x, none]) t.dispose();
  });

  test('pipelines are compiled once per kernel, never per input shape', async () => {
    const warm = Tensor.fromArray(device, new Float32Array(16), [1, 1, 4, 4]);
    for (const y of [F.avgPool2d(warm, 3), F.adaptiveAvgPool2d(warm, 3), F.adaptiveAvgPool2d(warm, 1)]) {
      await y.toArray();
      y.dispose();
    }
    warm.dispose();
    const compiled = compiledPipelineCount(device);
    for (const [h, w] of [
      [5, 7],
      [9, 4],
      [16, 16],
      [3, 31],
    ] as const) {
      const x = Tensor.fromArray(device, new Float32Array(2 * h * w), [2, h, w]);
      for (const y of [F.avgPool2d(x, 2, { padding: 1 }), F.adaptiveAvgPool2d(x, [h + 1, 2]), F.adaptiveAvgPool2d(x, 1)]) {
        await y.toArray();
        y.dispose();
      }
      x.dispose();
    }
    expect(compiledPipelineCount(device)).toBe(compiled);
  });
});
