// float16 tensors: the upload's rounding (core/half.ts) and the GPU conversion (tensor.to) against torch's `.half()`
// (test/fixtures/float16.json: ties to even, subnormals, the overflow edge, ±0, ±Inf, NaN), packed storage, and the
// clear error of an op that does not take float16 yet.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, deviceContext, liveBytes, type DType } from '../../src/index.js';
import { halfBits, packHalves, unpackHalves } from '../../src/core/half.js';
import float16 from '../fixtures/float16.json';
import { testAdapters, testDevice } from '../helpers/device.js';
import { decode, type Encoded } from '../helpers/fixtures.js';

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
const all = (float16 as unknown as { torch: string; cases: ({ kind: 'rounding'; input: Encoded[]; half: Encoded[]; bits: number[] } | PoolCase)[] }).cases;
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

  test('an op that does not take float16 yet says so before any GPU work, and the device stays usable', async () => {
    const half = Tensor.fromArray(device, new Float32Array(16).fill(1), [1, 1, 4, 4], { dtype: 'float16' });
    const before = liveBytes(device);
    expect(() => F.relu(half as never)).toThrow(
      "activation() takes float32 tensors, but got a float16 one; float16 reaches this op in a later release: convert with tensor.to('float32')",
    );
    expect(liveBytes(device)).toBe(before);
    expect(() => Tensor.fromArray(device, new Float32Array(2), [2], { dtype: 'float16', requiresGrad: true })).toThrow(
      'only float32 tensors can require gradients',
    );
    const widened = half.to('float32');
    const y = F.avgPool2d(widened, 2);
    expect(Array.from(await y.toArray())).toEqual([1, 1, 1, 1]);
    for (const t of [half, widened, y]) t.dispose();
  });
});
