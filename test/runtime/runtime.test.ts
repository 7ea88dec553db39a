/// <reference types="vite/client" />
// The runtime: one device context per device, the caching allocator and its memory API, nothing created per
// steady-state forward, kernels declared once, and the kit's own error family. Counts of GPU objects are
// deterministic, so they are asserted; timings are the bench's business.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  F,
  Tensor,
  TorchError,
  WebGPULayersError,
  compiledPipelineCount,
  emptyCache,
  gpuStats,
  liveBytes,
  memoryStats,
  nn,
  resetPeakMemoryStats,
  reference,
  setKernelStrategy,
  setMemoryCap,
  synchronize,
  whenSubmitted,
} from '../../src/index.js';
import { deviceContext } from '../../src/runtime/context.js';
import { CACHE_ENTRIES } from '../../src/runtime/caches.js';
import { defineKernel } from '../../src/runtime/kernel.js';
import { launch } from '../../src/runtime/launch.js';
import { expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { infer } from '../helpers/infer.js';

const shaders = import.meta.glob('../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Runs `body` and returns what it threw (failing the test if it did not throw). */
function thrown(body: () => unknown): Error {
  try {
    body();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('kernels are declared once', () => {
  test('a descriptor generates the struct Params, the bindings and the packer from one list of fields', () => {
    const kernel = defineKernel({
      name: 'example',
      source: '@compute @workgroup_size(WORKGROUP_SIZE) fn main(id: Invocation) {}',
      bindings: [
        { name: 'input', access: 'read' },
        { name: 'output', access: 'read_write', element: 'vec4<f32>' },
      ],
      params: { count: 'u32', offset: 'i32', scale: 'f32' },
      chunked: true,
    });
    expect(kernel.code).toContain('struct Params {\n  count: u32,\n  offset: i32,\n  scale: f32,\n  inputBase: u32,\n  outputBase: u32,\n}');
    expect(kernel.code).toContain('@group(0) @binding(0) var<storage, read> input: array<f32>;');
    expect(kernel.code).toContain('@group(0) @binding(1) var<storage, read_write> output: array<vec4<f32>>;');
    expect(kernel.code).toContain('@group(0) @binding(2) var<uniform> params: Params;');
    const words = kernel.pack({ count: 7, offset: -2, scale: 0.5, inputBase: 3, outputBase: 4 });
    expect(words.length).toBe(8); // padded to 16 bytes
    expect([...words]).toEqual([7, 2 ** 32 - 2, new Uint32Array(new Float32Array([0.5]).buffer)[0], 3, 4, 0, 0, 0]);
    expect(() => kernel.pack({ count: 7, offset: -2, scale: 0.5 } as never)).toThrow('kernel example was launched without its "inputBase" parameter');
  });

  test('no shader declares its own Params, bindings or workgroup size: the descriptor and the prelude do', () => {
    const kernels = Object.entries(shaders).filter(([path]) => !/prelude|loop_limit_probe|activation_functions/.test(path));
    expect(kernels.length).toBeGreaterThanOrEqual(7);
    for (const [path, code] of kernels) {
      expect(code, path).not.toMatch(/struct Params|@group\(|override WORKGROUP_SIZE/);
      expect(code, path).not.toMatch(/group\.x \+ group\.y \* groups\.x/); // the grid unfolding lives in the prelude
    }
  });
});

describe.each(testAdapters())('runtime on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter);
  });
  afterAll(() => device?.destroy());

  test('the uniform layout the descriptor generates is the one WGSL reads, on the device', async () => {
    const kernel = defineKernel({
      name: 'params_echo',
      source:
        '@compute @workgroup_size(1) fn main(id: Invocation) { output[0] = f32(params.count); output[1] = f32(params.offset); output[2] = params.scale; }',
      bindings: [{ name: 'output', access: 'read_write' }],
      params: { count: 'u32', offset: 'i32', scale: 'f32' },
    });
    const y = Tensor.fromArray(device, new Float32Array(3), [3]);
    await launch(device, kernel, { constants: {}, bindings: [y.binding], params: { count: 9, offset: -4, scale: 2.25 }, workgroups: 1 });
    expect(await y.toArray()).toEqual(new Float32Array([9, -4, 2.25]));
    y.dispose();
  });

  test('a steady-state forward creates no buffer, bind group or writeBuffer, and checks nothing it already checked', async () => {
    const random = seededRandom(11);
    const cases: [string, nn.Module, number[]][] = [
      ['AvgPool2d(3, 2, 1)', new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [1, 8, 20, 20]],
      ['AdaptiveAvgPool2d((5, 7))', new nn.AdaptiveAvgPool2d([5, 7]), [1, 16, 14, 14]],
      ['SELayer(32, 4)', new nn.SELayer(32, 4), [1, 32, 9, 9]],
      ['SqueezeAndExcite(16, 16, 7)', new nn.SqueezeAndExcite(16, 16, 7), [1, 16, 7, 7]],
      ['ResNetHead(64, 10)', new nn.ResNetHead(64, 10), [1, 64, 7, 7]],
      ['MaxPool2d(3, 2, 1)', new nn.MaxPool2d(3, { stride: 2, padding: 1 }), [1, 8, 20, 20]],
      ['AvgPool3d(3, 2, 1)', new nn.AvgPool3d(3, { stride: 2, padding: 1 }), [1, 4, 6, 8, 8]],
      ['AdaptiveMaxPool2d((5, 7))', new nn.AdaptiveMaxPool2d([5, 7]), [1, 16, 14, 14]],
      ['LPPool1d(2, 3)', new nn.LPPool1d(2, 3), [2, 8, 30]],
    ];
    for (const [name, module, shape] of cases) {
      const data = randomData(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      const x = Tensor.fromArray(device, data, shape);
      for (let i = 0; i < 3; i++) {
        // Warm-up: weights uploaded, pipelines compiled, pool and caches filled (SE intermediates swap buffers
        // of one size bucket from one forward to the next, so two forwards see both bind groups).
        const y = infer(module, x);
        await y.toArray();
        y.dispose();
      }
      for (let i = 0; i < 3; i++) {
        const before = gpuStats(device);
        const y = infer(module, x);
        const result = await y.toArray();
        y.dispose();
        const after = gpuStats(device);
        expect(after.buffersCreated - before.buffersCreated, `${name}: buffers created`).toBe(0);
        expect(after.bindGroupsCreated - before.bindGroupsCreated, `${name}: bind groups created`).toBe(0);
        expect(after.writeBuffers - before.writeBuffers, `${name}: writeBuffers`).toBe(0);
        expect(after.submits - before.submits, `${name}: submits`).toBe(1); // the readback joins the forward's submit
        expect(after.checkedSubmits - before.checkedSubmits, `${name}: error scopes`).toBe(0);
        expectClose(result, module.forwardCpu({ data, shape }).data, name);
      }
      x.dispose();
      module.dispose();
    }
  });

  test('a batch that brings a new bind group or buffer is checked with error scopes', async () => {
    const x = Tensor.fromArray(device, new Float32Array(6 * 7 * 11).fill(1), [6, 7, 11]); // a shape no other test uses
    const before = gpuStats(device);
    const y = F.adaptiveAvgPool2d(x, [3, 4]);
    await y.toArray();
    expect(gpuStats(device).checkedSubmits - before.checkedSubmits).toBe(1);
    for (const t of [x, y]) t.dispose();
  });

  test('whenSubmitted waits for a batch that still waits for its pipelines', async () => {
    const fresh = await testDevice(adapter, { autotune: false }); // nothing compiled yet
    const x = Tensor.fromArray(fresh, new Float32Array(16).fill(1), [1, 1, 4, 4]);
    const y = F.avgPool2d(x, 2);
    expect(gpuStats(fresh).pipelines).toBe(1);
    const before = gpuStats(fresh).submits;
    await Promise.resolve(); // a later stretch: the batch has stopped recording and waits for its pipeline
    await whenSubmitted(fresh);
    expect(gpuStats(fresh).submits, 'submitted once whenSubmitted resolves').toBe(before + 1);
    expect(await y.toArray()).toEqual(new Float32Array([1, 1, 1, 1]));
    fresh.destroy();
  });

  test('memoryStats: allocated follows live tensors, reserved keeps the pool; emptyCache gives the pool back', async () => {
    await synchronize(device);
    emptyCache(device);
    const start = memoryStats(device);
    expect(start.reservedBytes).toBe(start.allocatedBytes);
    expect(start.cachedBuffers).toBe(0);
    const a = Tensor.fromArray(device, new Float32Array(1000), [1000]); // 4,000 bytes: the 4,096-byte bucket
    const afterUpload = memoryStats(device);
    expect(afterUpload.allocatedBytes - start.allocatedBytes).toBe(4096);
    expect(afterUpload.buffersCreated - start.buffersCreated).toBe(1);
    a.dispose();
    const afterDispose = memoryStats(device);
    expect(afterDispose.allocatedBytes).toBe(start.allocatedBytes);
    expect(afterDispose.reservedBytes).toBe(start.reservedBytes + 4096); // kept in the pool
    expect(afterDispose.cachedBuffers).toBe(1);
    const b = Tensor.fromArray(device, new Float32Array(900).fill(2), [900]); // same bucket: reused
    const afterReuse = memoryStats(device);
    expect(afterReuse.buffersCreated).toBe(afterUpload.buffersCreated);
    expect(afterReuse.poolHits - afterDispose.poolHits).toBe(1);
    expect(afterReuse.peakAllocatedBytes).toBeGreaterThanOrEqual(afterReuse.allocatedBytes);
    expect(await b.toArray()).toEqual(new Float32Array(900).fill(2));
    b.dispose();
    emptyCache(device);
    const end = memoryStats(device);
    expect(end.reservedBytes).toBe(end.allocatedBytes);
    expect(end.allocatedBytes).toBe(start.allocatedBytes);
    expect(end.cachedBuffers).toBe(0);
    expect(end.buffersDestroyed - start.buffersDestroyed).toBeGreaterThanOrEqual(2); // the b buffer and the staging buffer
  });

  test('10,000 forwards, each on a new shape, stay under the cap on reserved bytes; caches stay bounded', async () => {
    const defaultCap = memoryStats(device).reservedCapBytes;
    await synchronize(device);
    emptyCache(device);
    const cap = memoryStats(device).allocatedBytes + (4 << 20); // what earlier tests keep alive, and 4 MiB
    setMemoryCap(device, cap);
    resetPeakMemoryStats(device);
    const pool = new nn.AdaptiveAvgPool2d(2);
    const warm = infer(pool, Tensor.fromArray(device, new Float32Array(4), [1, 1, 2, 2]));
    await warm.toArray();
    warm.dispose();
    const pipelines = compiledPipelineCount(device);
    let maxReserved = 0;
    let last: { y: Tensor; data: Float32Array; shape: number[] } | null = null;
    for (let i = 0; i < 10_000; i++) {
      const shape = [1, 2, 3 + (i % 100), 3 + Math.floor(i / 100)];
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill((i % 7) + 1);
      const x = Tensor.fromArray(device, data, shape);
      const y = infer(pool, x);
      x.dispose();
      if (last) last.y.dispose();
      last = { y, data, shape };
      maxReserved = Math.max(maxReserved, memoryStats(device).reservedBytes);
      // Buffers of disposed tensors come back once their batch is submitted: until then they are allocated.
      if (i % 10 === 9) await whenSubmitted(device);
    }
    expectClose(await last!.y.toArray(), reference.adaptiveAvgPool2d(last!.data, last!.shape, 2).data, 'the last of 10,000 shapes');
    last!.y.dispose();
    const stats = memoryStats(device);
    expect(maxReserved).toBeLessThanOrEqual(cap);
    expect(stats.peakReservedBytes).toBeLessThanOrEqual(cap);
    expect(stats.paramsBytes).toBeLessThanOrEqual(CACHE_ENTRIES * 48); // the latest 2,048 plans' uniforms (pool_adaptive's 3-D params: 48 bytes)
    expect(compiledPipelineCount(device)).toBe(pipelines); // shapes never compile
    emptyCache(device);
    expect(memoryStats(device).reservedBytes).toBe(memoryStats(device).allocatedBytes);
    setMemoryCap(device, defaultCap);
    pool.dispose();
  });

  test('stress: forward, dispose, toArray, fromArray and emptyCache in random orders on pooled buffers, every value checked', async () => {
    const random = seededRandom(2026);
    const start = liveBytes(device);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)]!;
    // Few sizes, so buffers of one bucket are reused over and over; readbacks are queued and checked later, so
    // a buffer reused while queued work still reads it shows up as a wrong value.
    const live: { t: Tensor; expected: Float32Array; shape: number[] }[] = [];
    const reads: Promise<void>[] = [];
    const upload = () => {
      const shape = [1, pick([2, 3]), pick([4, 5, 6]), pick([4, 6])];
      const data = randomData(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      live.push({ t: Tensor.fromArray(device, data, shape), expected: data, shape });
    };
    for (let step = 0; step < 600; step++) {
      const action =
        live.length === 0
          ? 'upload'
          : pick(['upload', 'upload', 'forward', 'forward', 'forward', 'dispose', 'dispose', 'read', 'read', 'await', 'emptyCache', 'cap']);
      if (action === 'upload') upload();
      else if (action === 'forward') {
        const { t, expected, shape } = pick(live);
        const op = pick(['relu', 'avgPool', 'adaptive'] as const);
        if (op === 'relu') live.push({ t: F.relu(t), expected: reference.activation(expected, shape, 'relu').data, shape });
        else if (op === 'avgPool') {
          const out = reference.avgPool2d(expected, shape, 2, { ceilMode: true });
          live.push({ t: F.avgPool2d(t, 2, { ceilMode: true }), expected: out.data, shape: out.shape });
        } else {
          const size: [number, number] = [pick([1, 2, 3]), pick([2, 5])];
          const out = reference.adaptiveAvgPool2d(expected, shape, size);
          live.push({ t: F.adaptiveAvgPool2d(t, size), expected: out.data, shape: out.shape });
        }
      } else if (action === 'dispose') {
        live.splice(Math.floor(random.next() * live.length), 1)[0]!.t.dispose();
      } else if (action === 'read') {
        const { t, expected } = pick(live);
        reads.push(t.toArray().then((values) => expectClose(values, expected, `read at step ${step}`)));
      } else if (action === 'await') await Promise.all(reads.splice(0));
      else if (action === 'emptyCache') emptyCache(device);
      else setMemoryCap(device, pick([0, 64 * 1024, 512 * 1024 * 1024]));
    }
    await Promise.all(reads);
    for (const { t, expected } of live) expectClose(await t.toArray(), expected, 'after the run');
    live.forEach(({ t }) => t.dispose());
    setMemoryCap(device, 512 * 1024 * 1024);
    await synchronize(device);
    expect(liveBytes(device)).toBe(start);
  });

  test('int32 tensors: Tensor.fromArray(Int32Array) keeps its dtype and values; the ops refuse them clearly', async () => {
    const values = Int32Array.from([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 123456789, 7]);
    const indices = Tensor.fromArray(device, values, [7]);
    expect(indices.dtype).toBe('int32');
    const read = await indices.toArray();
    expect(read).toBeInstanceOf(Int32Array);
    expect(read).toEqual(values);
    const view = indices.reshape([1, 7]);
    expect(view.dtype).toBe('int32');
    expect(await view.toArray()).toEqual(values);
    const empty = Tensor.fromArray(device, new Int32Array(0), [0, 3]);
    expect(await empty.toArray()).toEqual(new Int32Array(0));
    const floats = Tensor.fromArray(device, new Float32Array([1, 2]), [2]);
    expect(floats.dtype).toBe('float32');
    const before = gpuStats(device).dispatches;
    const error = thrown(() => F.relu(indices as never));
    expect(error).toBeInstanceOf(WebGPULayersError);
    expect(error.message).toBe('webgpu-layers: activation() takes float32 tensors, but got an int32 one');
    expect(gpuStats(device).dispatches).toBe(before);
    expect(() => Tensor.fromArray(device, [1, 2] as never, [2])).toThrow('Tensor.fromArray: data must be a Float32Array or an Int32Array');
    for (const t of [indices, view, empty, floats]) t.dispose();
  });

  test("the kit's own errors are WebGPULayersErrors with a code; PyTorch's stay TorchErrors", async () => {
    const x = Tensor.fromArray(device, new Float32Array(16), [1, 1, 4, 4]);
    const gone = Tensor.fromArray(device, new Float32Array(16), [1, 1, 4, 4]);
    gone.dispose();
    const other = await testDevice(adapter, { autotune: false });
    const elsewhere = Tensor.fromArray(other, new Float32Array(4), [1, 4]);
    const cases: [() => unknown, string][] = [
      [() => F.relu(gone), 'disposed'],
      [() => F.linear(Tensor.fromArray(device, new Float32Array(4), [1, 4]), elsewhere), 'wrong-device'],
      [() => F.adaptiveAvgPool2d(x, [100_000, 100_000]), 'too-large'],
      [() => setKernelStrategy(device, 'linear', 'fastest' as never), 'invalid-argument'],
      [() => setMemoryCap(device, -1), 'invalid-argument'],
    ];
    for (const [run, code] of cases) {
      const error = thrown(run);
      expect(error, error.message).toBeInstanceOf(WebGPULayersError);
      expect((error as WebGPULayersError).code).toBe(code);
      expect(error.message).toMatch(/^webgpu-layers: /);
    }
    const torch = thrown(() => F.avgPool2d(x, 3, { stride: 0 }));
    expect(torch).toBeInstanceOf(TorchError);
    expect(torch).not.toBeInstanceOf(WebGPULayersError);
    for (const t of [x, elsewhere]) t.dispose();
    other.destroy();
  });

  test('deviceContext(device).dispose() releases what the kit holds; the device then works with a fresh context', async () => {
    const fresh = await testDevice(adapter, { autotune: false });
    const data = randomData(seededRandom(5), 2 * 3 * 8 * 8);
    const x = Tensor.fromArray(fresh, data, [2, 3, 8, 8]);
    const y = F.avgPool2d(x, 2);
    await y.toArray();
    y.dispose();
    const context = deviceContext(fresh);
    expect(compiledPipelineCount(fresh)).toBeGreaterThan(0);
    expect(memoryStats(fresh).cachedBuffers).toBeGreaterThan(0);
    context.dispose();
    expect(deviceContext(fresh)).not.toBe(context);
    expect(compiledPipelineCount(fresh)).toBe(0);
    expect(memoryStats(fresh).reservedBytes).toBe(0);
    // A tensor made before still works, and is destroyed (not pooled) when disposed.
    const z = F.avgPool2d(x, 2);
    expectClose(await z.toArray(), reference.avgPool2d(data, [2, 3, 8, 8], 2).data, 'after the context was disposed');
    x.dispose();
    z.dispose();
    await synchronize(fresh);
    expect(memoryStats(fresh).allocatedBytes).toBe(0);
    fresh.destroy();
  });

  test('device loss with pooled buffers: clear errors with a code, never a hang', async () => {
    const lost = await testDevice(adapter, { autotune: false });
    const pooled = Tensor.fromArray(lost, new Float32Array(64).fill(1), [1, 4, 4, 4]);
    pooled.dispose(); // its buffer is in the pool now
    const x = Tensor.fromArray(lost, new Float32Array(64).fill(1), [1, 4, 4, 4]);
    const queued = F.adaptiveAvgPool2d(x, 2);
    lost.destroy();
    const read = await queued.toArray().catch((error: Error) => error);
    expect(read).toBeInstanceOf(WebGPULayersError);
    expect((read as WebGPULayersError).code).toBe('device-lost');
    await lost.lost;
    const upload = thrown(() => Tensor.fromArray(lost, new Float32Array(64), [1, 4, 4, 4]));
    expect((upload as WebGPULayersError).code).toBe('device-lost');
    expect(upload.message).toMatch(/device was lost/);
    expect((thrown(() => F.relu(x)) as WebGPULayersError).code).toBe('device-lost');
    emptyCache(lost); // still safe
    expect(memoryStats(lost).cachedBuffers).toBe(0);
    x.dispose();
    queued.dispose();
  });
});
