// The pooling family's WGSL kernels on real WebGPU (Dawn here, Chromium in the browser project), through F, against
// real PyTorch fixtures (test/fixtures/pooling.json: values, indices, errors) and the CPU reference on chosen edge
// cases: every strategy, autotune, grids over 65,535 workgroups, empty tensors, one pipeline per kernel
// (test/fuzz.test.ts runs the seeded random configurations).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  F,
  KERNEL_STRATEGIES,
  Tensor,
  type TorchError,
  autotune,
  compiledPipelineCount,
  kernelStrategy,
  liveBytes,
  nn,
  reference,
} from '../../../src/index.js';
import { deviceContext } from '../../../src/runtime/context.js';
import { halfBits, halfValue, packHalves, unpackHalves } from '../../../src/core/half.js';
import { channelsLastOrder, expectClose, halfUlp } from '../../helpers/compare.js';
import { env, testAdapters, testDevice } from '../../helpers/device.js';
import { describePooling, poolingExpected, poolingFixtures, poolingInput, poolingMessage, runPoolingGpu } from '../../helpers/poolingFixtures.js';
import { randomData, seededRandom } from '../../helpers/random.js';
import { withStrategy } from '../../helpers/strategies.js';

const BASE_SEED = Number(env('POOLING_SEED') ?? 20261127);
const isDeferred = (message: string) => message.startsWith('Found an invalid max index');

describe.each(testAdapters())('pooling kernels on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test('match PyTorch on every value fixture, indices included (all queued before any readback)', async () => {
    const runs = poolingFixtures.cases
      .filter((c) => !c.error)
      .map((fixture) => {
        const x = Tensor.fromArray(device, poolingInput(fixture), fixture.input);
        return { fixture, x, result: runPoolingGpu(fixture, x) };
      });
    for (const { fixture, x, result } of runs) {
      const [values, indices] = Array.isArray(result) ? result : [result, null];
      const what = describePooling(fixture);
      expect(values.shape, what).toEqual(fixture.shape);
      expectClose(await values.toArray(), poolingExpected(fixture), what);
      expect(indices === null, `${what}: indices returned`).toBe(fixture.indices === undefined);
      if (indices) {
        expect(indices.dtype).toBe('int32');
        expect(indices.shape).toEqual(fixture.shape);
        expect(Array.from(await indices.toArray()), `${what}: indices`).toEqual(fixture.indices);
        indices.dispose();
      }
      values.dispose();
      x.dispose();
    }
  });

  test("reject what PyTorch rejects with PyTorch's message, before any GPU work (a bad unpooling index: on read)", async () => {
    for (const fixture of poolingFixtures.cases.filter((c) => c.error)) {
      const what = describePooling(fixture);
      const x = Tensor.fromArray(device, poolingInput(fixture), fixture.input);
      if (isDeferred(fixture.error!.message)) {
        const y = runPoolingGpu(fixture, x) as Tensor;
        await expect(y.toArray(), what).rejects.toThrow(poolingMessage(fixture));
        y.dispose();
      } else {
        const before = liveBytes(device);
        let thrown: unknown;
        try {
          runPoolingGpu(fixture, x);
        } catch (error) {
          thrown = error;
        }
        expect((thrown as TorchError | undefined)?.message, what).toBe(poolingMessage(fixture));
        expect((thrown as TorchError).name, what).toBe(fixture.error!.type);
        expect(liveBytes(device), `${what}: no buffer was allocated`).toBe(before);
      }
      x.dispose();
    }
    // The device is still usable afterwards.
    const x = Tensor.fromArray(device, new Float32Array([1, 5, 3, 4]), [1, 1, 4]);
    const [values, indices] = F.maxPool1d(x, 2, { returnIndices: true });
    expect(Array.from(await values.toArray())).toEqual([5, 4]);
    expect(Array.from(await indices.toArray())).toEqual([1, 3]);
    for (const t of [x, values, indices]) t.dispose();
  });

  test.each(Object.keys(KERNEL_STRATEGIES.global_avg_pool))('the global pool strategy "%s" matches the reference', async (strategy) => {
    await withStrategy(device, 'global_avg_pool', strategy, async () => {
      const random = seededRandom(BASE_SEED + 1);
      // Plane sizes below, at and above the workgroup size and the vec4 step (the invocation strategy reads vec4s where
      // planes are whole vec4s: 64, 16, 36, 4), in float32 and float16; whole-map AvgPool2d divisors too.
      for (const shape of [
        [3, 1, 1],
        [2, 5, 1, 3],
        [1, 7, 8, 8],
        [3, 5, 4, 4],
        [2, 3, 6, 6],
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
        // float16: the reference on the half values, rounded once (within a half ulp: the sums' order may differ).
        const halves = unpackHalves(packHalves(data), data.length);
        const x16 = Tensor.fromArray(device, halves, shape, { dtype: 'float16' });
        const y16 = F.adaptiveAvgPool2d(x16, 1);
        const got = await y16.toArray();
        reference.adaptiveAvgPool2d(halves, shape, 1).data.forEach((v, i) => {
          const want = halfValue(halfBits(v));
          if (!(Math.abs(got[i]! - want) <= halfUlp(want))) throw new Error(`float16 ${strategy} on [${shape}] at ${i}: got ${got[i]}, expected ${want}`);
        });
        for (const t of [x, x16, y16]) t.dispose();
      }
      // Channels last: 1, 2, 4 and 8 vec4s of channels an invocation (channels 12, 32, 64, 128, 256, 512), a channel
      // count that is not a multiple of 4, and a map of more positions than a software adapter's loop cap (65,535).
      for (const shape of [
        [2, 12, 3, 5],
        [3, 32, 2, 3],
        [2, 64, 3, 3],
        [2, 128, 1, 5],
        [3, 256, 2, 2],
        [2, 512, 3, 1],
        [2, 6, 4, 4],
        [1, 8, 257, 256],
      ]) {
        const logical = randomData(
          random,
          shape.reduce((a, b) => a * b, 1),
        );
        const x = Tensor.fromArray(device, channelsLastOrder(logical, shape), shape, { memoryFormat: 'channelsLast' });
        const y = F.adaptiveAvgPool2d(x, 1);
        expectClose(await y.toArray(), reference.adaptiveAvgPool2d(logical, shape, 1).data, `${strategy} on channels-last [${shape}]`);
        for (const t of [x, y]) t.dispose();
      }
    });
  });

  test.each(Object.keys(KERNEL_STRATEGIES.pool_window))(
    'the window strategy "%s" and the adaptive one of its name: float16 pools (halves written by the kernel where runs fill whole words) as the reference, whole and in pieces',
    async (strategy) => {
      const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
      const saved = limits.maxStorageBufferBindingSize;
      const random = seededRandom(BASE_SEED + 2);
      // Even output widths (12; 6 = a run of 4 and a short run of 2; 4; 8) write halves under run4, odd ones (5, 3)
      // convert after; 3-D windows take the general loops; max pooling with indices writes its halves so too, and its
      // int32 indices as the reference's. Channels last with channels % 4 == 0 writes four halves an invocation.
      type Pool = {
        forward(x: Tensor): Tensor | [Tensor, Tensor<'int32'>];
        forwardCpu(x: reference.TensorData): reference.TensorData | [reference.TensorData, reference.IndexData];
      };
      const cases: [() => Pool, number[]][] = [
        [() => new nn.AvgPool2d(3, { stride: 1, padding: 1 }), [2, 3, 9, 12]],
        [() => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), [2, 3, 8, 11]],
        [() => new nn.MaxPool2d(2), [2, 3, 8, 8]],
        [() => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), [2, 3, 10, 10]],
        [() => new nn.MaxPool2d(2, { returnIndices: true }), [1, 2, 6, 8]],
        [() => new nn.MaxPool3d(2), [1, 2, 4, 6, 8]],
        [() => new nn.AvgPool3d(2, { stride: 1 }), [2, 2, 3, 4, 5]],
        [() => new nn.LPPool2d(2, 2), [1, 2, 6, 8]],
        [() => new nn.AdaptiveAvgPool2d([4, 6]), [2, 3, 9, 7]],
        [() => new nn.AdaptiveMaxPool2d([3, 6]), [2, 3, 9, 13]],
        [() => new nn.AdaptiveMaxPool2d([3, 4], { returnIndices: true }), [1, 3, 7, 9]],
        [() => new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true }), [1, 2, 7, 7]],
        [() => new nn.AdaptiveAvgPool2d([3, 5]), [1, 2, 7, 9]],
      ];
      await withStrategy(device, 'pool_window', strategy, () =>
        withStrategy(device, 'pool_adaptive', strategy, async () => {
          try {
            for (const [made, shape] of cases) {
              const module = made();
              for (const memoryFormat of ['contiguous', 'channelsLast'] as const) {
                if (memoryFormat === 'channelsLast' && shape.length !== 4) continue;
                const logicalShape = memoryFormat === 'channelsLast' ? [3, 8, ...shape.slice(2)] : shape;
                const size = logicalShape.reduce((a, b) => a * b, 1);
                const halves = unpackHalves(packHalves(randomData(random, size)), size);
                const expected = module.forwardCpu({ data: halves, shape: logicalShape });
                const want = (Array.isArray(expected) ? expected[0] : expected).data.map((v) => halfValue(halfBits(v)));
                for (const pieces of [false, true]) {
                  const what = `${strategy}: ${module.constructor.name} on [${logicalShape}] ${memoryFormat}${pieces ? ' in pieces' : ''}`;
                  // Pieces: a sample (channels last) or plane a binding, or a few where the kernel writes halves; pieces
                  // start mid-word. A bound window may start 256 bytes before its piece and end 16 after it.
                  const units = memoryFormat === 'channelsLast' ? logicalShape[0]! : logicalShape[0]! * logicalShape[1]!;
                  const unitBytes = Math.max((size / units) * 2, (want.length / units) * 4); // halves in; f32 out at most
                  limits.maxStorageBufferBindingSize = pieces ? Math.ceil(unitBytes / 16) * 16 + 272 : saved;
                  const memory = memoryFormat === 'channelsLast' ? channelsLastOrder(halves, logicalShape) : halves;
                  const x = Tensor.fromArray(device, memory, logicalShape, { dtype: 'float16', memoryFormat });
                  const result = made().forward(x); // a module of its own: a module replays its recorded forward (captures)
                  const y = Array.isArray(result) ? result[0] : result;
                  expect([y.dtype, y.memoryFormat], what).toEqual(['float16', memoryFormat]);
                  expect(Array.from(await y.toArray()), what).toEqual(Array.from(want)); // f32 arithmetic as the reference, rounded once
                  if (Array.isArray(result) && Array.isArray(expected)) {
                    expect(result[1].memoryFormat, what).toBe(memoryFormat);
                    expect(Array.from(await result[1].toArray()), `${what}: indices`).toEqual(Array.from(expected[1].data));
                  }
                  for (const t of Array.isArray(result) ? [x, ...result] : [x, result]) t.dispose();
                }
              }
            }
          } finally {
            limits.maxStorageBufferBindingSize = saved;
          }
        }),
      );
    },
  );

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
