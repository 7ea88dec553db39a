// Reliability in someone else's app: big tensors, hostile input, leaks, device loss and many queued passes.
// Every case is an assertion that fails if the behaviour regresses; after each error the device and the
// module that threw must still work.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, compiledPipelineCount, gpuStats, liveBytes, loopLimit, loadSafetensors, nn, reference, setKernelStrategy } from '../src/index.js';
import { requestDevice } from '../src/node.js';
import { expectClose } from './helpers/compare.js';
import { testAdapters } from './helpers/device.js';
import { randomData, seededRandom } from './helpers/random.js';
import { infer } from './helpers/infer.js';

const QUIET = { quiet: true } as const;

describe.each(testAdapters())('big tensors on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    // WebGPU's default limits, as a browser gives: a 128 MiB binding, 256 MiB buffers.
    device = await requestDevice({ ...QUIET, adapter: adapter as never, limits: 'default' });
  });
  afterAll(() => device?.destroy());

  test('an input over the 128 MiB binding limit is processed in pieces of planes, correctly', async () => {
    // 37 planes of 1023×1021 floats: 154.6 MB, and a plane size that is not a multiple of the 256-byte binding alignment.
    const shape = [1, 37, 1023, 1021];
    expect(device.limits.maxStorageBufferBindingSize).toBe(128 * 1024 * 1024);
    const data = randomData(seededRandom(1), 37 * 1023 * 1021);
    expect(data.byteLength).toBeGreaterThan(device.limits.maxStorageBufferBindingSize);
    const x = Tensor.fromArray(device, data, shape);
    const se = new nn.SELayer(37, 4);
    const runs = [
      [
        'avg_pool2d',
        F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
        () => reference.avgPool2d(data, shape, 3, { stride: 2, padding: 1, ceilMode: true }),
      ],
      ['adaptive_avg_pool2d', F.adaptiveAvgPool2d(x, [10, 3]), () => reference.adaptiveAvgPool2d(data, shape, [10, 3])],
      ['global pool', F.adaptiveAvgPool2d(x, 1), () => reference.adaptiveAvgPool2d(data, shape, 1)],
      ['relu', F.relu(x), () => reference.activation(data, shape, 'relu')],
      ['SELayer (channel scale over the whole input)', infer(se, x), () => se.forwardCpu({ data, shape })],
    ] as const;
    for (const [name, gpu, cpu] of runs) {
      expectClose(await gpu.toArray(), cpu().data, `${name} on [${shape}]`);
      gpu.dispose();
    }
    x.dispose();
    se.dispose();
  });

  test('the channel scale runs in pieces whose planes are whole vec4s, at unaligned window offsets', async () => {
    // 33 planes of 1022×1022 floats (137.9 MB): a plane is a multiple of 4 elements but not of 256 bytes.
    const shape = [1, 33, 1022, 1022];
    const data = randomData(seededRandom(3), 33 * 1022 * 1022);
    expect(data.byteLength).toBeGreaterThan(device.limits.maxStorageBufferBindingSize);
    const x = Tensor.fromArray(device, data, shape);
    const se = new nn.SELayer(33, 4);
    const y = infer(se, x);
    expectClose(await y.toArray(), se.forwardCpu({ data, shape }).data, `SELayer on [${shape}]`);
    for (const t of [x, y, se]) t.dispose();
  });

  test('Linear runs in pieces of rows when x or y is over the binding limit; a weight over it is a clear error', async () => {
    const random = seededRandom(2);
    // x of 153.6 MB (inputs read as vec4s, four features per invocation); then y of 161.6 MB (scalar paths).
    for (const [rows, inFeatures, outFeatures] of [
      [600_000, 64, 4],
      [400_000, 3, 101],
    ] as const) {
      const data = randomData(random, rows * inFeatures);
      const linear = new nn.Linear(inFeatures, outFeatures);
      const x = Tensor.fromArray(device, data, [rows, inFeatures]);
      const y = infer(linear, x);
      expect(Math.max(x.size, y.size) * 4).toBeGreaterThan(device.limits.maxStorageBufferBindingSize);
      expectClose(await y.toArray(), linear.forwardCpu({ data, shape: [rows, inFeatures] }).data, `Linear(${inFeatures}, ${outFeatures}) on ${rows} rows`);
      for (const t of [x, y, linear]) t.dispose();
    }
    // A weight over one binding is not split: a clear error, nothing left behind, and the device still works.
    const before = liveBytes(device);
    const huge = new nn.Linear(4100, 8192); // 134.3 MB of weights
    const x = Tensor.fromArray(device, new Float32Array(4100).fill(1), [1, 4100]);
    const created = gpuStats(device).buffersCreated;
    expect(() => infer(huge, x)).toThrow(
      "this Linear's parameter of shape [8192, 4100] would bind 134348800 bytes, more than this device's maxStorageBufferBindingSize (134217728 bytes); parameters are not split",
    );
    expect(gpuStats(device).buffersCreated).toBe(created); // thrown before the weight was uploaded
    huge.dispose();
    x.dispose();
    expect(liveBytes(device)).toBe(before);
    const small = Tensor.fromArray(device, new Float32Array([1, 2, 3, 4]), [1, 1, 2, 2]);
    expect(await F.avgPool2d(small, 2).toArray()).toEqual(new Float32Array([2.5]));
    small.dispose();
  });

  test('loops longer than 65,535 iterations are never cut short silently (llvmpipe stops them there)', async () => {
    const random = seededRandom(5);
    const wide = randomData(random, 2 * 300_000).map((v) => v + 1);
    const x = Tensor.fromArray(device, wide, [2, 1, 300_000]);
    const rows = Tensor.fromArray(device, wide, [2, 300_000]);
    // Weights in [0, 1/inFeatures] on inputs that average 1: sums of 300,000 terms without heavy cancellation,
    // so f32 rounding stays inside the test's tolerance and only a loop cut short could fail it.
    const positiveLinear = (inFeatures: number) => {
      const layer = new nn.Linear(inFeatures, 2);
      layer.loadStateDict({
        weight: { data: randomData(random, 2 * inFeatures).map((v) => (v + 4) / (8 * inFeatures)), shape: [2, inFeatures] },
        bias: { data: new Float32Array([0.5, -0.5]), shape: [2] },
      });
      return layer;
    };
    const linear = positiveLinear(300_000);
    // 240,000 inputs come as 60,000 vec4s: under the cap, so this one runs everywhere.
    const narrower = wide.subarray(0, 2 * 240_000);
    const rows4 = Tensor.fromArray(device, narrower, [2, 240_000]);
    const linear4 = positiveLinear(240_000);
    const checks = [
      ['global pool, workgroup', () => F.adaptiveAvgPool2d(x, 1), reference.adaptiveAvgPool2d(wide, [2, 1, 300_000], 1)],
      ['AvgPool2d((1, 70000))', () => F.avgPool2d(x, [1, 70_000]), reference.avgPool2d(wide, [2, 1, 300_000], [1, 70_000])],
      ['adaptive, 70,000-wide windows', () => F.adaptiveAvgPool2d(x, [1, 4]), reference.adaptiveAvgPool2d(wide, [2, 1, 300_000], [1, 4])],
      ['Linear(300000, 2)', () => infer(linear, rows), linear.forwardCpu({ data: wide, shape: [2, 300_000] })],
      ['Linear(240000, 2)', () => infer(linear4, rows4), linear4.forwardCpu({ data: narrower, shape: [2, 240_000] })],
    ] as const;
    const capped = Number.isFinite(loopLimit(device));
    expect(capped).toBe(adapter === 'llvmpipe'); // measured by requestDevice's probe
    let refused = 0;
    for (const strategy of ['workgroup', 'invocation'] as const) {
      setKernelStrategy(device, 'global_avg_pool', strategy); // the launcher switches when the loop would not fit
      for (const [name, run, expected] of checks) {
        let y: Tensor;
        try {
          y = run();
        } catch (error) {
          // Only where the adapter caps loops, and only with the cap's clear message.
          expect(capped, `${name}: ${(error as Error).message}`).toBe(true);
          expect((error as Error).message).toMatch(/but this adapter stops shader loops after 65535 \(Mesa llvmpipe does\)/);
          refused++;
          continue;
        }
        expectClose(await y.toArray(), expected.data, `${name} (${strategy})`);
        y.dispose();
      }
    }
    // On llvmpipe the global pool still runs (a workgroup per plane keeps each loop short); the rest refuse.
    expect(refused).toBe(capped ? 6 : 0);
    for (const t of [x, rows, linear, rows4, linear4]) t.dispose();
  });

  test('a tensor too large for the device is a clear error before any allocation', async () => {
    const before = gpuStats(device);
    const small = Tensor.fromArray(device, new Float32Array(16), [1, 1, 4, 4]);
    expect(() => F.adaptiveAvgPool2d(small, [10_000, 10_000])).toThrow(
      "webgpu-layers: a float32 tensor of shape [1, 1, 10000, 10000] needs 400000000 bytes, more than this device's maxBufferSize (268435456 bytes)",
    );
    expect(() => Tensor.fromArray(device, new Float32Array(70_000_000), [70_000_000])).toThrow(/needs 280000000 bytes, more than this device's maxBufferSize/);
    small.dispose();
    expect(gpuStats(device).liveBytes).toBe(before.liveBytes);
    expect(gpuStats(device).dispatches).toBe(before.dispatches);
  });
});

describe('hostile input', () => {
  let device: GPUDevice;
  let other: GPUDevice;
  const pool = new nn.AvgPool2d(3, { stride: 2, padding: 1 });
  const se = new nn.SELayer(8, 2);
  beforeAll(async () => {
    device = await requestDevice(QUIET);
    other = await requestDevice({ ...QUIET, autotune: false });
  });
  afterAll(() => {
    device?.destroy();
    other?.destroy();
  });

  const tensor = (shape: number[], data: Float32Array = new Float32Array(shape.reduce((a, b) => a * b, 1))) => Tensor.fromArray(device, data, shape);

  /** After every error: the device and the modules still compute correct results. */
  async function stillWorks() {
    const data = randomData(seededRandom(2), 2 * 8 * 5 * 5);
    const x = tensor([2, 8, 5, 5], data);
    const y = infer(pool, x);
    const z = infer(se, x);
    expectClose(await y.toArray(), pool.forwardCpu({ data, shape: [2, 8, 5, 5] }).data, 'pool after the error');
    expectClose(await z.toArray(), se.forwardCpu({ data, shape: [2, 8, 5, 5] }).data, 'SE after the error');
    for (const t of [x, y, z]) t.dispose();
  }

  const disposedTensor = () => {
    const t = tensor([1, 8, 4, 4]);
    t.dispose();
    return t;
  };
  const safetensorsFile = (header: object, dataBytes: number, headerLength?: bigint) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const file = new Uint8Array(8 + json.length + dataBytes);
    new DataView(file.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
    file.set(json, 8);
    return file;
  };

  const cases: [string, () => unknown, string | RegExp | (new (...args: never[]) => Error)][] = [
    // PyTorch's own errors (all of shared/REFERENCE.md; the fixtures check every one exactly).
    ['stride 0', () => infer(pool, tensor([1, 1, 4, 4])) && new nn.AvgPool2d(3, { stride: 0 }), 'stride should not be zero'],
    ['negative padding', () => new nn.AvgPool2d(3, { padding: -1 }), 'pad must be non-negative, but got pad: -1'],
    ['padding over half the kernel', () => new nn.AvgPool2d(3, { padding: 2 }), 'pad should be at most half of effective kernel size'],
    ['kernel 0', () => new nn.AvgPool2d(0, { stride: 1 }), 'kernel size should be greater than zero, but got kH: 0 kW: 0'],
    ['divisor 0', () => new nn.AvgPool2d(2, { divisorOverride: 0 }), 'divisor must be not zero'],
    ['output too small', () => infer(pool, tensor([3, 1, 1])) && new nn.AvgPool2d(9).forward(tensor([3, 8, 8])), 'Output size is too small'],
    ['2-D input to AvgPool2d', () => infer(pool, tensor([8, 8])), 'Dimension out of range (expected to be in range of [-2, 1], but got -3)'],
    ['5-D input to AvgPool2d', () => infer(pool, tensor([1, 1, 1, 8, 8])), 'Expected 3D or 4D (batch mode) tensor'],
    [
      'empty spatial dim',
      () => infer(pool, tensor([1, 3, 0, 8])),
      'Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 3, 0, 8]',
    ],
    ['2-D input to AdaptiveAvgPool2d(2)', () => F.adaptiveAvgPool2d(tensor([8, 8]), 2), 'adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [8, 8]'],
    ['negative adaptive size', () => new nn.AdaptiveAvgPool2d([-1, 3]), 'elements of output_size must be greater than or equal to 0 but received {-1, 3}'],
    ['Linear shape mismatch', () => new nn.Linear(512, 10).forward(tensor([1, 2048])), 'mat1 and mat2 shapes cannot be multiplied (1x2048 and 512x10)'],
    ['SE on a 3-D input', () => infer(se, tensor([8, 4, 4])), 'not enough values to unpack (expected 4, got 3)'],
    // Sizes that are not sizes.
    ['a non-integer kernel', () => new nn.AvgPool2d(2.5), TypeError],
    ['a NaN stride', () => new nn.AvgPool2d(2, { stride: NaN }), TypeError],
    ['an Infinity output size', () => new nn.AdaptiveAvgPool2d(Infinity), TypeError],
    ['a string kernel', () => new nn.AvgPool2d('3' as unknown as number), TypeError],
    [
      'a kernel pair of three',
      () => new nn.AvgPool2d([2, 2, 2] as unknown as [number, number]),
      'avg_pool2d: kernel_size must either be a single int, or a tuple of two ints',
    ],
    ['a huge kernel', () => new nn.AvgPool2d(2 ** 40).forward(tensor([1, 4, 4])), 'Output size is too small'],
    ['a huge adaptive output', () => F.adaptiveAvgPool2d(tensor([1, 1, 4, 4]), [2 ** 20, 2 ** 20]), /more than this device's maxBufferSize/],
    ['a negative shape', () => Tensor.fromArray(device, new Float32Array(4), [2, -2]), 'shape must be an array of non-negative integers'],
    ['a NaN shape', () => Tensor.fromArray(device, new Float32Array(4), [2, NaN]), 'shape must be an array of non-negative integers'],
    ['data longer than the shape', () => Tensor.fromArray(device, new Float32Array(5), [2, 2]), 'data has 5 elements but shape [2, 2] needs 4'],
    ['data that is not float32', () => Tensor.fromArray(device, [1, 2, 3, 4] as unknown as Float32Array, [4]), 'data must be a Float32Array'],
    // Tensors and modules that cannot be used.
    ['a disposed tensor', () => infer(pool, disposedTensor()), 'this tensor [1, 8, 4, 4] was disposed and cannot be used'],
    ['reading a disposed tensor', () => disposedTensor().toArray(), 'was disposed and cannot be used'],
    [
      'a tensor from another device',
      () => F.linear(tensor([1, 4]), Tensor.fromArray(other, new Float32Array(8), [2, 4])),
      'got tensors from different GPUDevices',
    ],
    [
      'a module used after dispose',
      () => {
        const gone = new nn.AdaptiveAvgPool2d(1);
        gone.dispose();
        return infer(gone, tensor([1, 2, 2]));
      },
      'this AdaptiveAvgPool2d was disposed and cannot be used',
    ],
    // State dicts.
    [
      'a state dict with a wrong key',
      () =>
        new nn.SELayer(8, 2).loadStateDict({
          'fc.0.weight': { data: new Float32Array(32), shape: [4, 8] },
          'fc.2.wieght': { data: new Float32Array(32), shape: [8, 4] },
        }),
      'Unexpected key(s) in state_dict: "fc.2.wieght".',
    ],
    [
      'a state dict with a wrong shape',
      () => se.loadStateDict({ 'fc.0.weight': { data: new Float32Array(16), shape: [2, 8] }, 'fc.2.weight': { data: new Float32Array(32), shape: [8, 4] } }),
      'size mismatch for fc.0.weight: copying a param with shape torch.Size([2, 8]) from checkpoint, the shape in current model is torch.Size([4, 8]).',
    ],
    [
      'a state dict with strings for values',
      () =>
        se.loadStateDict({
          'fc.0.weight': { data: 'abc' as unknown as number[], shape: [4, 8] },
          'fc.2.weight': { data: new Float32Array(32), shape: [8, 4] },
        }),
      'value for fc.0.weight must hold numbers',
    ],
    ['a state dict that is not an object', () => se.loadStateDict(null as never), 'loadStateDict: expected an object'],
    // Safetensors files.
    ['a truncated safetensors file', () => loadSafetensors(new Uint8Array(3)), 'the file is 3 bytes, too short'],
    ['a header length past the end', () => loadSafetensors(safetensorsFile({}, 0, 1000n)), 'points past the end'],
    ['offsets out of range', () => loadSafetensors(safetensorsFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8)), 'outside the 8 data bytes'],
    [
      'overlapping offsets',
      () =>
        loadSafetensors(safetensorsFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12)),
      'overlap',
    ],
    ['an unknown dtype', () => loadSafetensors(safetensorsFile({ a: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, 8)), 'has dtype "Q4"'],
    ['a huge JSON header', () => loadSafetensors(safetensorsFile({}, 0, 2n ** 40n)), 'exceeds the 100000000-byte limit'],
  ];

  test.each(cases)('%s: a clear error, and everything still works', async (_, run, expected) => {
    const seBefore = se.stateDict();
    let thrown: unknown;
    try {
      await run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'it must throw').toBeInstanceOf(Error);
    if (typeof expected === 'string') expect((thrown as Error).message).toContain(expected);
    else if (expected instanceof RegExp) expect((thrown as Error).message).toMatch(expected);
    else expect(thrown).toBeInstanceOf(expected);
    expect(se.stateDict()).toEqual(seBefore); // a failed load changed nothing
    await stillWorks();
  });
});

describe('resources', () => {
  test('1,000 forward passes then dispose: live bytes return to where they started; pipelines never grow with shapes', async () => {
    const device = await requestDevice(QUIET);
    const modules = [
      new nn.SELayer(16, 4),
      new nn.ResNetHead(16, 10),
      new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      new nn.AdaptiveAvgPool2d([5, 7]),
    ];
    const x = Tensor.fromArray(device, randomData(seededRandom(3), 2 * 16 * 9 * 9), [2, 16, 9, 9]);
    for (const module of modules) {
      const warm = infer(module, x); // weights uploaded, pipelines compiled
      await warm.toArray();
      warm.dispose();
    }
    const start = liveBytes(device);
    const pipelines = compiledPipelineCount(device);
    for (let i = 0; i < 250; i++) {
      const outputs = modules.map((m) => infer(m, x));
      if (i % 50 === 49) await outputs[0]!.toArray(); // let the queue drain now and then
      outputs.forEach((y) => y.dispose());
    }
    for (const [h, w] of [
      [7, 7],
      [14, 14],
      [5, 31],
      [1, 1],
      [23, 2],
    ] as const) {
      const other = Tensor.fromArray(device, new Float32Array(2 * 16 * h * w), [2, 16, h, w]);
      for (const module of [modules[0]!, modules[1]!, modules[3]!]) infer(module, other).dispose();
      other.dispose();
    }
    await device.queue.onSubmittedWorkDone();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(liveBytes(device)).toBe(start);
    expect(compiledPipelineCount(device)).toBe(pipelines);
    modules.forEach((m) => m.dispose());
    x.dispose();
    await device.queue.onSubmittedWorkDone();
    expect(liveBytes(device)).toBe(0);
    device.destroy();
  });
});

describe('device loss', () => {
  test('after device.destroy(), forward and toArray fail clearly instead of hanging; a new device works', async () => {
    const device = await requestDevice(QUIET);
    const pool = new nn.AdaptiveAvgPool2d(2);
    const x = Tensor.fromArray(device, new Float32Array(64).fill(1), [1, 4, 4, 4]);
    const pending = infer(pool, x); // queued, not read yet
    device.destroy();
    await expect(pending.toArray()).rejects.toThrow(/device was lost/);
    await device.lost;
    expect(() => infer(pool, x)).toThrow('webgpu-layers: the GPU device was lost (destroyed');
    expect(() => Tensor.fromArray(device, new Float32Array(4), [4])).toThrow(/device was lost/);
    const fresh = await requestDevice(QUIET);
    const y = Tensor.fromArray(fresh, new Float32Array(64).fill(2), [1, 4, 4, 4]);
    const fresh2 = new nn.AdaptiveAvgPool2d(2);
    expect(await infer(fresh2, y).toArray()).toEqual(new Float32Array(16).fill(2));
    fresh.destroy();
  });
});

describe('concurrency', () => {
  test('many passes queued before any readback, read back out of order, are all correct', async () => {
    const device = await requestDevice(QUIET);
    const random = seededRandom(4);
    const se = new nn.SELayer(8, 2);
    const runs = Array.from({ length: 60 }, (_, i) => {
      const shape = [1 + (i % 3), 8, 3 + (i % 5), 4 + (i % 7)];
      const data = randomData(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      const x = Tensor.fromArray(device, data, shape);
      const module = i % 2 ? se : new nn.AvgPool2d(2, { ceilMode: true });
      return { x, y: infer(module, x), expected: module.forwardCpu({ data, shape }).data };
    });
    const order = runs.map((_, i) => i).sort(() => random.next() - 0.5);
    const results = await Promise.all(order.map((i) => runs[i]!.y.toArray()));
    order.forEach((i, k) => expectClose(results[k]!, runs[i]!.expected, `pass ${i}`));
    runs.forEach(({ x, y }) => [x, y].forEach((t) => t.dispose()));
    device.destroy();
  });
});
