// The channels-last memory formats against PyTorch (test/fixtures/memory_format.json, from x.to(memory_format=
// torch.channels_last)): fromArray in memory order, toArray in the logical order, contiguous(format), and every op that
// keeps the format as PyTorch does, in float32 and float16; the ops that read it natively (the global average pool,
// the pooling windows, the SE scale) in pieces over a small binding; the clear errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, gpuStats, nn, type DType, type MemoryFormat } from '../../src/index.js';
import { deviceContext } from '../../src/runtime/context.js';
import { packHalves, unpackHalves } from '../../src/core/half.js';
import memoryFormat from '../fixtures/memory_format.json';
import { channelsLastOrder, halfUlp } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { decode, type Encoded, fixtureInput } from '../helpers/fixtures.js';
import { forceStrategies } from '../helpers/strategies.js';

interface Case {
  kind?: 'train';
  op: string;
  input: number[];
  args: any;
  half: boolean;
  memoryData: Encoded[];
  weights?: Record<string, { shape: number[]; data: Encoded[] }>;
  unpoolIndices?: number[];
  format: MemoryFormat;
  shape: number[];
  data: Encoded[];
  indices?: number[];
  gradFormat?: MemoryFormat;
  gradInput?: Encoded[];
  gradInputFormat?: MemoryFormat;
  gradParameters?: Record<string, Encoded[]>;
}
const all = (memoryFormat as unknown as { cases: Case[] }).cases;
/** The global pool's strategies: GPUs' (one vec4 of channels an invocation) and software adapters' (up to eight). */
const GLOBAL_STRATEGIES = ['workgroup', 'invocation'] as const;
const cases = all.filter((c) => c.kind !== 'train');
const trainCases = all.filter((c) => c.kind === 'train');
const MODULES: Record<string, (args: any[]) => nn.Module> = {
  SELayer: ([c, r]) => new nn.SELayer(c, r),
  SqueezeAndExcite: ([i, o, k]) => new nn.SqueezeAndExcite(i, o, k),
  ResNetHead: ([i, o]) => new nn.ResNetHead(i, o),
};

/** The case's module with its (torch) weights, in float16 for a half case; null for a functional op. */
function moduleOf(c: Case): nn.Module | null {
  if (!c.weights) return null;
  const module = MODULES[c.op]!(c.args);
  if (c.half) module.to('float16');
  if (c.kind === 'train') module.train();
  module.loadStateDict(Object.fromEntries(Object.entries(c.weights).map(([k, w]) => [k, { data: decode(w.data), shape: w.shape }])));
  return module;
}

/** The case's op on x: a tensor, or values and indices. */
function run(device: GPUDevice, c: Case, x: Tensor): Tensor<DType> | [Tensor<DType>, Tensor<'int32'>] {
  const a = c.args;
  const ops: Record<string, () => unknown> = {
    avg_pool2d: () => F.avgPool2d(x, a.kernelSize, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad }),
    max_pool2d: () => F.maxPool2d(x, a.kernelSize, { stride: a.stride, padding: a.padding, dilation: a.dilation, returnIndices: true }),
    adaptive_avg_pool2d: () => F.adaptiveAvgPool2d(x, a.outputSize),
    adaptive_max_pool2d: () => F.adaptiveMaxPool2d(x, a.outputSize, { returnIndices: true }),
    lp_pool2d: () => F.lpPool2d(x, a.normType, a.kernelSize),
    relu: () => F.relu(x),
    contiguous_mse_loss: () => {
      const flat = x.contiguous();
      const zeros = Tensor.fromArray(device, new Float32Array(x.size), x.shape);
      const loss = F.mseLoss(flat, zeros, { reduction: 'none' });
      flat.dispose();
      zeros.dispose();
      return loss;
    },
    avg_pool3d: () => F.avgPool3d(x, a.kernelSize),
    adaptive_avg_pool3d: () => F.adaptiveAvgPool3d(x, a.outputSize),
    max_unpool2d: () => {
      if (c.kind === 'train') {
        // Values and indices of a channels-last max pool, both channels last.
        const [values, pooledIndices] = F.maxPool2d(x, a.kernelSize, { stride: a.stride, returnIndices: true });
        const y = F.maxUnpool2d(values, pooledIndices, a.kernelSize, { stride: a.stride });
        pooledIndices.dispose();
        values.dispose();
        return y;
      }
      const indices = Tensor.fromArray(device, Int32Array.from(c.unpoolIndices!), c.input);
      const y = F.maxUnpool2d(x, indices, a.kernelSize, { stride: a.stride });
      indices.dispose();
      return y;
    },
  };
  return ops[c.op]!() as Tensor<DType> | [Tensor<DType>, Tensor<'int32'>];
}

/** float32: PyTorch's values to 2⁻²² relative (adaptive averages differ by an ulp in torch's own vector lanes); layers 1e-5.
 * float16: one half ulp, layers also 2⁻¹⁰ of the largest output (their intermediates are halves). */
function expectClose(got: Float32Array, want: Float32Array, half: boolean, layer: boolean, what: string): void {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(...Array.from(want, Math.abs));
  want.forEach((v, i) => {
    const g = got[i]!;
    if (Number.isNaN(v)) return void expect(g, what).toBeNaN();
    if (g === v) return; // ±∞ included
    const allowed = half ? halfUlp(v) + (layer ? 2 ** -10 * scale : 0) : layer ? 1e-5 * Math.max(1, scale) : 2 ** -22 * Math.abs(v);
    if (!(Math.abs(g - v) <= allowed)) throw new Error(`${what}: at ${i}: got ${g}, expected ${v}`);
  });
}

describe.each(testAdapters())('channels-last tensors on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  const upload = (c: Case) => {
    const format = c.input.length === 5 ? 'channelsLast3d' : 'channelsLast';
    return Tensor.fromArray(device, decode(c.memoryData), c.input, { memoryFormat: format, dtype: c.half ? 'float16' : 'float32' }) as Tensor;
  };

  test('fromArray takes torch’s memory order, toArray gives the logical order, contiguous() converts both ways', async () => {
    for (const c of cases.filter((k) => k.op === 'relu' || k.op === 'avg_pool3d')) {
      const x = upload(c);
      expect(x.memoryFormat).toBe(c.input.length === 5 ? 'channelsLast3d' : 'channelsLast');
      const logical = await x.toArray();
      const flat = x.contiguous();
      expect(flat.memoryFormat).toBe('contiguous');
      expect(Array.from(await flat.toArray())).toEqual(Array.from(logical));
      // Back to channels last: the memory holds torch's order again (read through a contiguous view of the bytes).
      const again = flat.contiguous(x.memoryFormat);
      expect(again.memoryFormat).toBe(x.memoryFormat);
      const bytes = again.viewAs([again.size], 'contiguous');
      const memory = decode(c.memoryData);
      expect(Array.from(await bytes.toArray())).toEqual(Array.from(c.half ? unpackHalves(packHalves(memory), memory.length) : memory));
      for (const t of [x, flat, again, bytes]) t.dispose();
    }
  });

  test.each(GLOBAL_STRATEGIES)(
    'every op keeps the memory format as PyTorch does, float32 and float16, with torch’s values and indices (global pool: %s)',
    async (strategy) => {
      expect(new Set(cases.map((c) => c.op)).size).toBe(12);
      const restore = forceStrategies(device, { global_avg_pool: strategy });
      for (const c of cases) {
        const what = `${c.op} [${c.input}]${c.half ? ' float16' : ''} (${strategy})`;
        const x = upload(c);
        const module = moduleOf(c);
        const result = module ? module.forward(x) : run(device, c, x);
        const [values, indices] = Array.isArray(result) ? result : [result, null];
        expect(values.memoryFormat, what).toBe(c.format);
        expect(values.dtype, what).toBe(c.half ? 'float16' : 'float32');
        expect(values.shape, what).toEqual(c.shape);
        expectClose((await values.toArray()) as Float32Array, decode(c.data), c.half, module !== null, what);
        if (indices) expect(Array.from(await indices.toArray()), `${what}: indices`).toEqual(c.indices);
        for (const t of [x, values, indices]) t?.dispose();
        module?.dispose();
      }
      restore();
    },
  );

  test.each(GLOBAL_STRATEGIES)(
    'the global pool, the windows and the SE scale read channels last in pieces of samples over a small binding (global pool: %s)',
    async (strategy) => {
      const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
      const saved = limits.maxStorageBufferBindingSize;
      const restore = forceStrategies(device, { global_avg_pool: strategy });
      try {
        const native = (k: Case) => ['SELayer', 'max_pool2d', 'avg_pool2d', 'adaptive_avg_pool2d', 'adaptive_max_pool2d', 'lp_pool2d'].includes(k.op);
        for (const c of cases.filter(native)) {
          limits.maxStorageBufferBindingSize = Math.max(1024, ((c.input.slice(1).reduce((a, b) => a * b, 1) * 4) / 256 + 2) * 256);
          const x = upload(c);
          const module = moduleOf(c);
          const result = module ? module.forward(x) : run(device, c, x);
          const [y, indices] = Array.isArray(result) ? result : [result, null];
          expectClose((await y.toArray()) as Float32Array, decode(c.data), c.half, module !== null, `${c.op} [${c.input}] in pieces`);
          if (indices) expect(Array.from(await indices.toArray())).toEqual(c.indices);
          for (const t of [x, y, indices]) t?.dispose();
          module?.dispose();
        }
      } finally {
        limits.maxStorageBufferBindingSize = saved;
        restore();
      }
    },
  );

  test('3-D max and adaptive max pooling read channelsLast3d natively: contiguous values and indices, as the CPU reference', async () => {
    const shape = [2, 8, 5, 6, 7];
    const logical = Float32Array.from({ length: 2 * 8 * 5 * 6 * 7 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const memory = channelsLastOrder(logical, shape); // [N, D, H, W, C]
    const modules = [new nn.MaxPool3d(3, { stride: 2, padding: 1, returnIndices: true }), new nn.AdaptiveMaxPool3d([2, 3, 4], { returnIndices: true })];
    for (const module of modules) {
      const x = Tensor.fromArray(device, memory, shape, { memoryFormat: 'channelsLast3d' });
      const [y, indices] = module.forward(x) as unknown as [Tensor, Tensor<'int32'>];
      const [values, expected] = module.forwardCpu({ data: logical, shape }) as unknown as [{ data: Float32Array }, { data: Int32Array }];
      expect(y.memoryFormat).toBe('contiguous');
      expect(indices.memoryFormat).toBe('contiguous');
      expect(Array.from(await y.toArray())).toEqual(Array.from(values.data));
      expect(Array.from(await indices.toArray())).toEqual(Array.from(expected.data));
      for (const t of [x, y, indices]) t.dispose();
    }
  });

  test('contiguous() converts whole and in pieces of samples, both ways, float32 and float16 (halves moved as they are)', async () => {
    const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
    const saved = limits.maxStorageBufferBindingSize;
    const specials = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** -24, -(2 ** -20), 65504];
    // float16 moves halves a word at a time where every piece's output starts on a word: samples of an even size (378
    // halves), or one piece (one dispatch, not a kernel and a conversion), of an odd total too (3·5·3); samples of an
    // odd size (189) in pieces start mid-word and widen to f32, converted after.
    // Pieces: a binding of 2048 bytes (about a float32 sample of 378); samples of 189 get 1500 (pieces of 1 sample
    // where a float32 output is written, of 3 if halves were: either way pieces start mid-word).
    const cases: [number[], boolean][] = [
      [[5, 6, 7, 9], true],
      [[5, 3, 7, 9], true],
      [[5, 3, 7, 9], false],
      [[1, 3, 5, 3], false],
      [[2, 3, 5, 3], false],
    ];
    try {
      for (const [shape, pieces] of cases) {
        const size = shape.reduce((a, b) => a * b, 1);
        const logical = Float32Array.from({ length: size }, (_, i) => (i % 11 === 3 ? specials[((i / 11) % specials.length) | 0]! : (i % 97) / 8 - 5));
        for (const dtype of ['float32', 'float16'] as const) {
          limits.maxStorageBufferBindingSize = pieces ? ((size / shape[0]!) % 2 === 1 ? 1500 : 2048) : saved;
          const what = `[${shape}] ${dtype}${pieces ? ' in pieces' : ''}`;
          const x = Tensor.fromArray(device, logical, shape, { dtype }) as Tensor;
          const before = gpuStats(device).dispatches;
          const last = x.contiguous('channelsLast');
          if (!pieces) expect(gpuStats(device).dispatches - before, `${what}: dispatches`).toBe(1);
          const back = last.contiguous();
          const want = dtype === 'float16' ? unpackHalves(packHalves(logical), logical.length) : logical;
          expect([last.dtype, last.memoryFormat, back.dtype, back.memoryFormat], what).toEqual([dtype, 'channelsLast', dtype, 'contiguous']);
          expect(Array.from(await last.toArray()), what).toEqual(Array.from(want)); // toEqual tells -0 from 0
          expect(Array.from(await back.toArray()), what).toEqual(Array.from(want));
          // The memory holds torch's channels-last order.
          const bytes = last.viewAs([size], 'contiguous');
          expect(Array.from(await bytes.toArray()), what).toEqual(Array.from(channelsLastOrder(want, shape)));
          for (const t of [x, last, back, bytes]) t.dispose();
        }
      }
    } finally {
      limits.maxStorageBufferBindingSize = saved;
    }
  });

  test('clear errors: a view of another shape, ops that read the contiguous layout, training, bad formats', () => {
    const c = cases.find((k) => k.op === 'relu')!;
    const x = upload(c);
    expect(() => x.reshape([x.size])).toThrow("view size is not compatible with input tensor's size and stride");
    const target = Tensor.fromArray(device, new Float32Array(x.size), x.shape);
    expect(() => F.mseLoss(x, target)).toThrow(
      'mse_loss() takes tensors in the contiguous memory format, but got a channelsLast one; convert with tensor.contiguous()',
    );
    expect(() => Tensor.fromArray(device, new Float32Array(6), [1, 2, 3], { memoryFormat: 'channelsLast' })).toThrow(
      'required rank 4 tensor to use channels_last format',
    );
    expect(() => x.contiguous('channelsLast3d')).toThrow('required rank 5 tensor to use channels_last_3d format');
    const trained = Tensor.fromArray(device, new Float32Array(x.size), x.shape, { memoryFormat: 'channelsLast', requiresGrad: true });
    expect(() => F.mseLoss(trained, target)).toThrow('convert with tensor.contiguous()'); // the loss reads the logical order
    for (const t of [x, target, trained]) t.dispose();
  });

  test('training from channels-last inputs: torch’s gradients, x.grad laid out as x, every op and block', async () => {
    expect(trainCases.length).toBe(17);
    for (const c of trainCases) {
      const what = `${c.op} [${c.input}] backward`;
      const format = c.input.length === 5 ? 'channelsLast3d' : 'channelsLast';
      const x = Tensor.fromArray(device, decode(c.memoryData), c.input, { memoryFormat: format, requiresGrad: true });
      const module = moduleOf(c);
      const result = module ? module.forward(x) : run(device, c, x);
      const y = (Array.isArray(result) ? result[0] : result) as Tensor;
      if (Array.isArray(result)) result[1].dispose();
      expect(y.memoryFormat, what).toBe(c.format);
      expectClose(await y.toArray(), decode(c.data), false, module !== null, `${what}: output`);
      const upstream = fixtureInput(c.shape).map((v) => v / 8);
      const g =
        c.gradFormat === 'channelsLast' ? Tensor.fromArray(device, upstream, c.shape).contiguous('channelsLast') : Tensor.fromArray(device, upstream, c.shape);
      y.backward(g);
      expect(x.grad!.memoryFormat, what).toBe(c.gradInputFormat);
      expectClose(await x.grad!.toArray(), decode(c.gradInput!), false, true, `${what}: input gradient`);
      for (const [key, p] of module?.namedParameters() ?? [])
        expectClose(await p.grad!.toArray(), decode(c.gradParameters![key]!), false, true, `${what}: ${key}`);
      for (const t of [x, y, g]) t.dispose();
      module?.dispose();
    }
  });
});
