// float16 tensors: the upload's rounding (core/half.ts) and the GPU conversion (tensor.to) against torch's `.half()`
// (test/fixtures/float16.json: ties to even, subnormals, the overflow edge, ±0, ±Inf, NaN), packed storage, and the
// clear error of an op that does not take float16 yet.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, liveBytes, loadSafetensors, nn, noGrad, reference, saveSafetensors, setKernelStrategy, type DType } from '../../src/index.js';
import { deviceContext } from '../../src/runtime/context.js';
import { halfBits, halfValue, packHalves, unpackHalves } from '../../src/core/half.js';
import float16 from '../fixtures/float16.json';
import memoryFormat from '../fixtures/memory_format.json';
import { channelsLastOrder, expectClose, halfUlp } from '../helpers/compare.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { fixtureFile } from '../helpers/layerFixtures.js';
import { decode, fixtureInput, type Encoded } from '../helpers/fixtures.js';

interface PoolCase {
  kind: 'pool';
  op: string;
  input: number[];
  args: Record<string, any>;
  inputData: Encoded[];
  shape: number[];
  data: Encoded[];
  indices?: number[];
}
interface LayerCase {
  kind: 'layer';
  module: string;
  args: any[];
  input: number[];
  scale: number;
  inputData?: Encoded[];
  weights: Record<string, { shape: number[]; data: Encoded[] }>;
  shape: number[];
  data: Encoded[];
}
const all = (float16 as unknown as { torch: string; cases: ({ kind: 'rounding'; input: Encoded[]; half: Encoded[]; bits: number[] } | PoolCase | LayerCase)[] })
  .cases;
const layerCases = all.filter((c): c is LayerCase => c.kind === 'layer');
const ACTIVATIONS = ['relu', 'relu6', 'sigmoid', 'hardsigmoid', 'hardswish'] as const;

/** A layer case's module, in float16 with the case's (half) weights; null for an activation (F). */
function layerOf(c: LayerCase): nn.Module | null {
  const made: Record<string, () => nn.Module> = {
    Linear: () => new nn.Linear(c.args[0], c.args[1], c.args[2] ?? {}),
    SELayer: () => new nn.SELayer(c.args[0], c.args[1]),
    SqueezeAndExcite: () => new nn.SqueezeAndExcite(c.args[0], c.args[1], c.args[2]),
    ResNetHead: () => new nn.ResNetHead(c.args[0], c.args[1]),
  };
  if (!made[c.module]) return null;
  const module = made[c.module]!().to('float16');
  module.loadStateDict(Object.fromEntries(Object.entries(c.weights).map(([k, w]) => [k, { data: decode(w.data), shape: w.shape }])));
  return module;
}

/**
 * The worst error over `got`, in units of its allowance: `ulps` half ulps of each expected value, plus (`layer`) 2⁻¹⁰
 * of the largest output for a layer's intermediates stored as halves (a dot product of rounded values can cancel to
 * a small output). NaN and ±Inf must match exactly.
 */
function worstError(got: Float32Array, want: Float32Array, ulps: number, layer: boolean): number {
  const scale = layer ? 2 ** -10 * Math.max(...Array.from(want, Math.abs)) : 0;
  let worst = 0;
  want.forEach((v, i) => {
    const g = got[i]!;
    if (!Number.isFinite(v) || !Number.isFinite(g)) worst = Math.max(worst, Object.is(g, v) || (Number.isNaN(g) && Number.isNaN(v)) ? 0 : Infinity);
    else worst = Math.max(worst, Math.abs(g - v) / (ulps * halfUlp(v) + scale));
  });
  return worst;
}
const fixture = all.find((c) => c.kind === 'rounding') as { input: Encoded[]; half: Encoded[]; bits: number[] };
const poolCases = all.filter((c): c is PoolCase => c.kind === 'pool');

/** A pooling case of the fixtures through F on a float16 tensor. */
function runPool(c: PoolCase, x: Tensor<'float16'>): Tensor<DType> | [Tensor<DType>, Tensor<'int32'>] {
  const a = c.args;
  const t = x as unknown as Tensor;
  const results: Record<string, () => unknown> = {
    avg_pool1d: () => F.avgPool1d(t, a.kernelSize, { stride: a.stride }),
    avg_pool2d: () => F.avgPool2d(t, a.kernelSize, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad }),
    avg_pool3d: () => F.avgPool3d(t, a.kernelSize),
    max_pool2d: () => F.maxPool2d(t, a.kernelSize, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, returnIndices: true }),
    adaptive_avg_pool2d: () => F.adaptiveAvgPool2d(t, a.outputSize),
    adaptive_max_pool2d: () => F.adaptiveMaxPool2d(t, a.outputSize, { returnIndices: true }),
    lp_pool2d: () => F.lpPool2d(t, a.normType, a.kernelSize),
  };
  return results[c.op]!() as Tensor<DType> | [Tensor<DType>, Tensor<'int32'>];
}
const input = decode(fixture.input);
const expected = decode(fixture.half);

/** Equal as values, NaN equal to NaN, and −0 told from +0. */
function expectSameValues(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${what}: at ${i} (input ${input[i]}): got ${got[i]}, expected ${want[i]}`);
  }
}

describe(`float16 rounding vs torch ${(float16 as { torch: string }).torch} .half()`, () => {
  test('the CPU rounding gives torch’s bits for every value', () => {
    const bits = Array.from(input, (v) => halfBits(v));
    expect(bits).toEqual(fixture.bits.map((b) => b & 0xffff));
    expectSameValues(unpackHalves(packHalves(input), input.length), expected, 'packed and widened');
  });
});

describe.each(testAdapters())('float16 tensors on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test('fromArray rounds as torch does and stores two halves per word; toArray widens exactly', async () => {
    const before = liveBytes(device);
    const x = Tensor.fromArray(device, input, [input.length], { dtype: 'float16' });
    expect(x.dtype).toBe('float16');
    expect(liveBytes(device) - before).toBeLessThanOrEqual(Math.ceil((input.length * 2) / 256) * 256 + 256);
    expect(x.gpuBuffer.byteLength).toBe(Math.ceil(input.length / 2) * 4);
    expectSameValues(await x.toArray(), expected, 'round trip');
    const odd = Tensor.fromArray(device, Float32Array.of(1.5, -2.25, 65520), [3], { dtype: 'float16' });
    expectSameValues(await odd.toArray(), Float32Array.of(1.5, -2.25, Number.POSITIVE_INFINITY), 'an odd count');
    x.dispose();
    odd.dispose();
  });

  test("to('float16') rounds on the GPU as torch does; to('float32') widens exactly; views keep the dtype", async () => {
    const x = Tensor.fromArray(device, input, [input.length]);
    const half = x.to('float16');
    expect(half.dtype).toBe('float16');
    expectSameValues(await half.toArray(), expected, 'GPU rounding');
    const back = half.to('float32');
    expect(back.dtype).toBe('float32');
    expectSameValues(await back.toArray(), expected, 'widened');
    const view = half.reshape([1, input.length]);
    expect(view.dtype).toBe('float16');
    const same = half.to('float16');
    expectSameValues(await same.toArray(), expected, 'same dtype');
    for (const t of [x, half, back, view, same]) t.dispose();
  });

  test('the pooling family on float16: f32 arithmetic on the halves, rounded once, as torch (indices unchanged)', async () => {
    expect(new Set(poolCases.map((c) => c.op)).size).toBeGreaterThan(6);
    for (const c of poolCases) {
      const x = Tensor.fromArray(device, decode(c.inputData), c.input, { dtype: 'float16' });
      const result = runPool(c, x);
      const [values, indices] = Array.isArray(result) ? result : [result, null];
      const what = `${c.op} [${c.input}] ${JSON.stringify(c.args)}`;
      expect(values.dtype, what).toBe('float16');
      expect(values.shape, what).toEqual(c.shape);
      expectSameValues((await values.toArray()) as Float32Array, decode(c.data), what);
      if (indices) expect(Array.from(await indices.toArray()), `${what}: indices`).toEqual(c.indices);
      for (const t of [x, values, indices]) t?.dispose();
    }
  });

  test('max unpooling on float16 values gives torch’s output as halves (values moved, not computed), in both formats', async () => {
    const c = (
      memoryFormat as unknown as { cases: { op: string; input: number[]; memoryData: Encoded[]; unpoolIndices: number[]; shape: number[]; data: Encoded[] }[] }
    ).cases.find((k) => k.op === 'max_unpool2d')!;
    for (const format of ['channelsLast', 'contiguous'] as const) {
      const last = Tensor.fromArray(device, decode(c.memoryData), c.input, { memoryFormat: 'channelsLast', dtype: 'float16' });
      const x = format === 'channelsLast' ? last : last.contiguous();
      const indices = Tensor.fromArray(device, Int32Array.from(c.unpoolIndices), c.input);
      const y = F.maxUnpool2d(x as Tensor, indices, 2, { stride: 2 });
      expect([y.dtype, y.memoryFormat], format).toEqual(['float16', format]);
      expectSameValues(await y.toArray(), decode(c.data), `max_unpool2d float16 ${format}`);
      const bad = Tensor.fromArray(
        device,
        Int32Array.from(c.unpoolIndices, () => 10_000),
        c.input,
      );
      const invalid = F.maxUnpool2d(x as Tensor, bad, 2, { stride: 2 });
      await expect(invalid.toArray()).rejects.toThrow('Found an invalid max index');
      for (const t of new Set([last, x, indices, y, bad, invalid])) t.dispose();
    }
  });

  test('float16 tensors over the binding limit run in pieces of planes, odd plane sizes included', async () => {
    const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
    const saved = limits.maxStorageBufferBindingSize;
    limits.maxStorageBufferBindingSize = 512; // a few planes of 63 halves per piece, starting mid-word
    try {
      for (const p of poolCases.filter((c) => c.op === 'adaptive_max_pool2d' || (c.op === 'avg_pool2d' && c.input[3] === 7 && c.input[2] === 9))) {
        const x = Tensor.fromArray(device, decode(p.inputData), p.input, { dtype: 'float16' });
        const result = runPool(p, x);
        const values = Array.isArray(result) ? result[0] : result;
        expectSameValues((await values.toArray()) as Float32Array, decode(p.data), `${p.op} in pieces`);
        for (const t of Array.isArray(result) ? [x, ...result] : [x, result]) t.dispose();
      }
    } finally {
      limits.maxStorageBufferBindingSize = saved;
    }
  });

  test('the layers and activations in float16 (module.to): halves in, f32 arithmetic, halves out, as torch', async () => {
    expect(new Set(layerCases.map((c) => c.module))).toEqual(new Set(['Linear', 'SELayer', 'SqueezeAndExcite', 'ResNetHead', ...ACTIVATIONS]));
    // Each split strategy stores intermediates (the pooled map, the hidden layer, the gate) as halves, as torch's half
    // ops do; the fixture rounds only the output. So layers may differ by more than the one ulp of elementwise ops.
    const strategies = [
      ['squeeze_excitation', 'fused', 'global_pool_linear', 'fused'],
      ['squeeze_excitation', 'split', 'global_pool_linear', 'split'],
    ] as const;
    for (const [se, seStrategy, head, headStrategy] of strategies) {
      setKernelStrategy(device, se, seStrategy);
      setKernelStrategy(device, head, headStrategy);
      for (const c of layerCases) {
        const what = `${c.module} [${c.input}] (${seStrategy})`;
        const data = c.inputData ? decode(c.inputData) : fixtureInput(c.input).map((v) => v / c.scale);
        const x = Tensor.fromArray(device, data, c.input, { dtype: 'float16' });
        const module = layerOf(c);
        const y = module ? module.forward(x) : F[c.module as (typeof ACTIVATIONS)[number]](x);
        expect(y.dtype, what).toBe('float16');
        expect(y.shape, what).toEqual(c.shape);
        expect(worstError(await y.toArray(), decode(c.data), 1, module !== null), what).toBeLessThanOrEqual(1);
        for (const t of [x, y]) t.dispose();
        module?.dispose();
      }
    }
  });

  test('the activations read and write four elements an invocation, float32 and float16: every size mod 4, channels last, in pieces, and a caller’s odd-sized buffer', async () => {
    const random = seededRandom(23);
    const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
    const saved = limits.maxStorageBufferBindingSize;
    try {
      for (const dtype of ['float32', 'float16'] as const) {
        const stored = (data: Float32Array) => (dtype === 'float16' ? unpackHalves(packHalves(data), data.length) : data);
        const rounded = (v: number) => (dtype === 'float16' ? halfValue(halfBits(v)) : v);
        for (const [shape, format, pieces] of [
          [[1], 'contiguous', false],
          [[2, 3], 'contiguous', false],
          [[5], 'contiguous', false],
          [[7, 1], 'contiguous', false],
          [[2, 8, 3, 3], 'channelsLast', false],
          [[1001], 'contiguous', true], // 251 vec4s, at most 31 (float32) or 62 (float16) a piece at a 768-byte binding limit
        ] as const) {
          const size = (shape as readonly number[]).reduce((a, b) => a * b, 1);
          const values = stored(randomData(random, size).map((v) => v * 8)); // past ReLU6's and the hard kinks
          const memory = format === 'channelsLast' ? channelsLastOrder(values, shape) : values;
          limits.maxStorageBufferBindingSize = pieces ? 768 : saved;
          const x = Tensor.fromArray(device, memory, shape, { dtype, memoryFormat: format });
          for (const name of ACTIVATIONS) {
            const what = `${name} on [${shape}] ${format} ${dtype}${pieces ? ' in pieces' : ''}`;
            const y = F[name](x as Tensor);
            expect([y.dtype, y.memoryFormat], what).toEqual([dtype, format]);
            const want = reference.activation(values, [size], name).data.map(rounded);
            // float16: one half ulp (the reference's exp is not WGSL's, so a value near a tie may round the other
            // way); float32: the layers' tolerance (test/helpers/compare.ts).
            if (dtype === 'float16') expect(worstError(await y.toArray(), want, 1, false), what).toBeLessThanOrEqual(1);
            else expectClose(await y.toArray(), want, what);
            y.dispose();
          }
          x.dispose();
        }
        limits.maxStorageBufferBindingSize = saved;
        // A caller's buffer of 5 elements, ending mid-vec4: copied into a padded one, then read four elements at a time.
        const data = Float32Array.of(-1, 2.5, 7, 3, 8);
        const words = dtype === 'float16' ? packHalves(data) : new Uint32Array(data.buffer);
        const buffer = device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
        device.queue.writeBuffer(buffer, 0, words as Uint32Array<ArrayBuffer>);
        const external = Tensor.fromGPUBuffer(device, buffer, [5], { dtype });
        const y = F.relu6(external as Tensor);
        expect(y.dtype).toBe(dtype);
        expect(Array.from(await y.toArray())).toEqual([0, 2.5, 6, 3, 6]);
        for (const t of [external, y]) t.dispose();
        buffer.destroy();
      }
    } finally {
      limits.maxStorageBufferBindingSize = saved;
    }
  });

  test('module.to converts the parameters (rounded as .half()), keeps the state dict in PyTorch’s keys, and back', async () => {
    const head = new nn.ResNetHead(8, 3);
    const before = head.stateDict()['fc.weight']!.data;
    expect(head.to('float16')).toBe(head);
    expect(head.dtype).toBe('float16');
    const sd = head.stateDict();
    expect(sd['fc.weight']!.dtype).toBe('float16');
    expect(Array.from(sd['fc.weight']!.data)).toEqual(Array.from(unpackHalves(packHalves(before), before.length)));
    const x = Tensor.fromArray(device, fixtureInput([2, 8, 3, 3]), [2, 8, 3, 3], { dtype: 'float16' });
    const y = head.forward(x);
    expect(y.dtype).toBe('float16');
    const want = head.forwardCpu({ data: await x.toArray(), shape: [...x.shape] });
    expect(worstError(await y.toArray(), want.data, 1, true)).toBeLessThanOrEqual(1);
    head.to('float32');
    expect(head.stateDict()['fc.weight']!.dtype).toBeUndefined();
    const wide = x.to('float32');
    const y32 = head.forward(wide);
    expect(y32.dtype).toBe('float32');
    for (const t of [x, y, wide, y32]) t.dispose();
    head.dispose();
  });

  test('safetensors F16 loads into a float16 module bit for bit, BF16 rounds to halves, and the module saves F16', async () => {
    const f16 = loadSafetensors(await fixtureFile('se_layer_f16.safetensors'));
    const se = new nn.SELayer(64, 16).to('float16');
    se.loadStateDict(f16);
    const sd = se.stateDict();
    for (const key of ['fc.0.weight', 'fc.2.weight']) {
      expect(sd[key]!.dtype).toBe('float16');
      expect(Array.from(sd[key]!.data, halfBits)).toEqual(Array.from(f16[key]!.data, halfBits));
    }
    const saved = loadSafetensors(saveSafetensors(sd));
    expect(saved['fc.0.weight']).toEqual(f16['fc.0.weight']);
    const bf16 = loadSafetensors(await fixtureFile('se_layer_bf16.safetensors'));
    se.loadStateDict(bf16);
    const w = bf16['fc.2.weight']!.data;
    expect(Array.from(se.stateDict()['fc.2.weight']!.data)).toEqual(Array.from(unpackHalves(packHalves(w), w.length)));
    // And it runs: the device copy is the halves just loaded.
    const x = Tensor.fromArray(
      device,
      fixtureInput([1, 64, 3, 3]).map((v) => v / 4),
      [1, 64, 3, 3],
      { dtype: 'float16' },
    );
    const y = se.forward(x);
    const want = se.forwardCpu({ data: await x.toArray(), shape: [1, 64, 3, 3] });
    expect(worstError(await y.toArray(), want.data, 1, true)).toBeLessThanOrEqual(1);
    for (const t of [x, y]) t.dispose();
    se.dispose();
  });

  test('mixing float16 and float32 gives PyTorch’s error before any GPU work; float16 runs in any mode, only its backward refuses', async () => {
    const linear = new nn.Linear(4, 2);
    const half = Tensor.fromArray(device, new Float32Array(8).fill(0.5), [2, 4], { dtype: 'float16' });
    const full = Tensor.fromArray(device, new Float32Array(8).fill(0.5), [2, 4]);
    const y0 = linear.forward(full); // uploads the weights
    const weight = Tensor.fromArray(device, new Float32Array(8), [2, 4], { dtype: 'float16' });
    const se = new nn.SELayer(16, 4).to('float16');
    const maps = Tensor.fromArray(device, new Float32Array(2 * 16 * 9), [2, 16, 3, 3]);
    const before = liveBytes(device);
    expect(() => linear.forward(half)).toThrow('mat1 and mat2 must have the same dtype, but got Half and Float');
    expect(() => F.linear(full, weight)).toThrow('mat1 and mat2 must have the same dtype, but got Float and Half');
    expect(() => se.forward(maps)).toThrow('mat1 and mat2 must have the same dtype, but got Float and Half');
    expect(liveBytes(device)).toBe(before);
    linear.to('float16');
    expect(linear.training).toBe(true);
    const recorded = linear.forward(half); // training mode, grad mode on: the forward runs (PyTorch's does too)
    expect(recorded.dtype).toBe('float16');
    expect(recorded.gradFn?.name).toBe('AddmmBackward0');
    expect(() => recorded.backward(Tensor.fromArray(device, new Float32Array(4), [2, 2], { dtype: 'float16' }))).toThrow(
      'AddmmBackward0: backward through float16 ops is not implemented yet',
    );
    linear.eval();
    const y = noGrad(() => linear.forward(half));
    expect(y.dtype).toBe('float16');
    expect(y.gradFn).toBeNull();
    expectClose(await y.toArray(), await recorded.toArray(), 'noGrad and recorded float16 forwards agree');
    recorded.dispose();
    expect(() => linear.to('bfloat16' as never)).toThrow("to(): dtype must be 'float32' or 'float16', but got bfloat16");
    for (const t of [half, full, y0, weight, maps, y]) t.dispose();
    for (const m of [linear, se]) m.dispose();
  });

  test('an op that does not take float16 yet says so before any GPU work, and the device stays usable', async () => {
    const half = Tensor.fromArray(device, new Float32Array(16).fill(1), [1, 1, 4, 4], { dtype: 'float16' });
    const target = Tensor.fromArray(device, new Float32Array(16), [1, 1, 4, 4]);
    const before = liveBytes(device);
    expect(() => F.mseLoss(half, target)).toThrow(
      "mse_loss() takes float32 tensors, but got a float16 one; float16 reaches this op in a later release: convert with tensor.to('float32')",
    );
    expect(liveBytes(device)).toBe(before);
    target.dispose();
    const leaf = Tensor.fromArray(device, new Float32Array(4).fill(1), [1, 1, 2, 2], { dtype: 'float16', requiresGrad: true });
    const pooled = F.avgPool2d(leaf, 2); // a float16 leaf may require grad, as in PyTorch; its backward says it cannot run yet
    expect(() => pooled.backward()).toThrow('AvgPool2DBackward0: backward through float16 ops is not implemented yet');
    for (const t of [leaf, pooled]) t.dispose();
    const widened = half.to('float32');
    const y = F.avgPool2d(widened, 2);
    expect(Array.from(await y.toArray())).toEqual([1, 1, 1, 1]);
    for (const t of [half, widened, y]) t.dispose();
  });
});
