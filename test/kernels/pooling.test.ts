// The WGSL pooling kernels on real WebGPU (Dawn, software adapters here), against real PyTorch fixtures and
// against the CPU reference on hundreds of seeded random configurations.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, KERNEL_STRATEGIES, Tensor, autotune, compiledPipelineCount, kernelStrategy, liveBytes, reference } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { env, testAdapters, testDevice } from '../helpers/device.js';
import {
  avgPoolOptions,
  currentPyTorchMessage,
  describeFixture,
  expectedOf,
  inputOf,
  poolingFixtures,
  type PoolingFixture,
} from '../helpers/fixtures.js';
import { randomPoolingConfig, runReferenceConfig, type PoolingConfig } from '../helpers/poolingConfigs.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { withStrategy } from '../helpers/strategies.js';

const RANDOM_CONFIGS = 320;
const BASE_SEED = Number(env('POOLING_SEED') ?? 20261127);

function runFixture(fixture: PoolingFixture, x: Tensor): Tensor {
  return fixture.op === 'avg_pool2d'
    ? F.avgPool2d(x, fixture.args.kernelSize, avgPoolOptions(fixture))
    : F.adaptiveAvgPool2d(x, fixture.args.outputSize);
}

function runConfig(config: PoolingConfig, x: Tensor): Tensor {
  return config.op === 'avg_pool2d' ? F.avgPool2d(x, config.kernelSize, config.options) : F.adaptiveAvgPool2d(x, config.outputSize);
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

  test(`match the CPU reference on ${RANDOM_CONFIGS} seeded random configurations`, async () => {
    const BATCH = 40; // queue a batch of ops, then read them all back
    for (let first = 0; first < RANDOM_CONFIGS; first += BATCH) {
      const runs = [];
      for (let seed = BASE_SEED + first; seed < BASE_SEED + Math.min(first + BATCH, RANDOM_CONFIGS); seed++) {
        const random = seededRandom(seed);
        const config = randomPoolingConfig(random);
        const data = randomData(random, config.shape.reduce((a, b) => a * b, 1));
        const x = Tensor.fromArray(device, data, config.shape);
        runs.push({ seed, config, data, x, y: runConfig(config, x) });
      }
      for (const { seed, config, data, x, y } of runs) {
        const expected = runReferenceConfig(config, data);
        const context = `seed ${seed} (rerun with POOLING_SEED=${seed}) ${JSON.stringify(config)}`;
        expect(y.shape, context).toEqual(expected.shape);
        expectClose(await y.toArray(), expected.data, context);
        x.dispose();
        y.dispose();
      }
    }
  });

  test.each(Object.keys(KERNEL_STRATEGIES.global_avg_pool2d))('the global pool strategy "%s" matches the reference', async (strategy) => {
    await withStrategy(device, 'global_avg_pool2d', strategy, async () => {
      const random = seededRandom(BASE_SEED + 1);
      // Plane sizes below, at and above the workgroup size and the vec4 step; whole-map AvgPool2d divisors too.
      for (const shape of [[3, 1, 1], [2, 5, 1, 3], [1, 7, 8, 8], [2, 3, 13, 11], [70000, 2, 2]]) {
        const data = randomData(random, shape.reduce((a, b) => a * b, 1));
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

  const poolingStrategies = (['avg_pool2d', 'adaptive_avg_pool2d'] as const).flatMap((op) => Object.keys(KERNEL_STRATEGIES[op]).map((strategy) => [op, strategy] as const));
  test.each(poolingStrategies)('the %s strategy "%s" matches the reference on 150 random configurations', async (op, strategy) => {
    await withStrategy(device, op, strategy, async () => {
      const runs = [];
      for (let seed = BASE_SEED + 10_000; runs.length < 150; seed++) {
        const random = seededRandom(seed);
        const config = randomPoolingConfig(random);
        if (config.op !== op) continue;
        const data = randomData(random, config.shape.reduce((a, b) => a * b, 1));
        const x = Tensor.fromArray(device, data, config.shape);
        runs.push({ seed, config, data, x, y: runConfig(config, x) });
      }
      for (const { seed, config, data, x, y } of runs) {
        expectClose(await y.toArray(), runReferenceConfig(config, data).data, `${strategy}, seed ${seed}: ${JSON.stringify(config)}`);
        x.dispose();
        y.dispose();
      }
    });
  });

  test('autotune times every strategy of every tunable kernel and keeps the fastest', async () => {
    const results = await autotune(device, { runs: 3 });
    expect(results.map((r) => r.kernel)).toEqual(Object.keys(KERNEL_STRATEGIES));
    for (const result of results) {
      expect(Object.keys(result.timesMs).sort()).toEqual(Object.keys(KERNEL_STRATEGIES[result.kernel]).sort());
      const fastest = Object.entries(result.timesMs).sort((a, b) => a[1] - b[1])[0]![0];
      expect(result.chosen).toBe(fastest);
      expect(kernelStrategy(device, result.kernel)).toBe(fastest);
    }
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
    for (const [h, w] of [[5, 7], [9, 4], [16, 16], [3, 31]] as const) {
      const x = Tensor.fromArray(device, new Float32Array(2 * h * w), [2, h, w]);
      for (const y of [F.avgPool2d(x, 2, { padding: 1 }), F.adaptiveAvgPool2d(x, [h + 1, 2]), F.adaptiveAvgPool2d(x, 1)]) {
        await y.toArray();
        y.dispose();
      }
      x.dispose();
    }
    expect(compiledPipelineCount(device)).toBe(compiled);
  });

  test('buffers are released: live bytes return to where they started', async () => {
    const before = liveBytes(device);
    const x = Tensor.fromArray(device, new Float32Array(2 * 64 * 9 * 9), [2, 64, 9, 9]);
    const outputs = [F.avgPool2d(x, 3, { stride: 2, ceilMode: true }), F.adaptiveAvgPool2d(x, [4, null]), F.adaptiveAvgPool2d(x, 1)];
    x.dispose(); // disposing an input with queued work waits for the submit, not for the caller
    for (const y of outputs) {
      await y.toArray();
      y.dispose();
    }
    await device.queue.onSubmittedWorkDone();
    expect(liveBytes(device)).toBe(before);
  });
});
