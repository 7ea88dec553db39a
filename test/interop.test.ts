// Hand-off to ONNX Runtime Web and TF.js on the kit's device, with the real libraries in Node (Dawn): an ORT
// output goes into the kit's layers and back into ORT, a TF.js NHWC tensor into the kit and back, with no upload
// or readback in between (counted), and a tensor of another device is a clear error.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { onnxModel } from '../bench/onnx.mjs';
import { F, Tensor, WebGPULayersError, fromOrtTensor, fromTfjs, gpuStats, nn, reference, synchronize, toOrtTensor, toTfjs, type TfLike } from '../src/index.js';
import { halfBits, packHalves, unpackHalves } from '../src/core/half.js';
import { requestDevice } from '../src/node.js';
import { expectClose } from './helpers/compare.js';
import { countTransfers, ortDevice, type ortOn, tfjsOn } from './helpers/peers.js';
import { randomData, seededRandom } from './helpers/random.js';

const nhwc = (data: Float32Array, [n, c, h, w]: number[]) => {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n!; i++)
    for (let j = 0; j < c!; j++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++) {
          out[((i * h! + y) * w! + x) * c! + j] = data[((i * c! + j) * h! + y) * w! + x]!;
        }
  return out;
};

describe("ONNX Runtime Web (WebGPU) on the kit's device", () => {
  let device: GPUDevice;
  let ort: Awaited<ReturnType<typeof ortOn>>;
  beforeAll(async () => {
    ({ device, ort } = await ortDevice());
  }, 300_000);
  afterAll(() => device?.destroy());

  test('kit → ORT → kit: an ORT output feeds AvgPool2d(ceil_mode) and goes back, with no upload or readback between', async () => {
    const shape = [1, 4, 7, 7];
    const data = randomData(seededRandom(41), 4 * 49);
    const model = onnxModel({ nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], input: ['x', shape], output: ['y', shape] });
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [{ name: 'webgpu', device, preferredLayout: 'NCHW' } as never],
      preferredOutputLocation: 'gpu-buffer',
    });
    const x = Tensor.fromArray(device, data, shape);
    const pool = new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }); // ORT-web's WebGPU backend cannot run ceil_mode
    const warm = await session.run({ x: await toOrtTensor(ort, x) }); // compiles ORT's kernels (its uniforms are its own)
    warm.y!.dispose();
    // The hand-offs, each way, and the kit's layer between: not one upload or readback, by anyone.
    const into = await countTransfers(device, () => toOrtTensor(ort, x));
    const output = (await session.run({ x: into.result })).y!;
    const { result, uploads, readbacks } = await countTransfers(device, async () => {
      const relu = fromOrtTensor(device, output as never);
      const pooled = pool.forward(relu);
      const back = await toOrtTensor(ort, pooled);
      return { output, relu, pooled, back };
    });
    expect([into.uploads, into.readbacks, uploads, readbacks]).toEqual([0, 0, 0, 0]);
    const expected = reference.avgPool2d(reference.activation(data, shape, 'relu').data, shape, 3, { stride: 2, padding: 1, ceilMode: true });
    expectClose(await result.pooled.toArray(), expected.data, 'relu in ORT, then AvgPool2d(3, 2, 1, ceil_mode) in the kit');
    expect((result.back as { dims: readonly number[] }).dims).toEqual(expected.shape);
    expectClose(new Float32Array(await (result.back as { getData(): Promise<Float32Array> }).getData()), expected.data, 'back in ORT');
    result.output.dispose();
    for (const t of [x, result.relu, result.pooled, pool]) t.dispose();
    await session.release();
  });

  test('float16 tensors pass to ORT and back over the same buffer, ORT reading the halves’ bits', async () => {
    const values = Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => (i % 23) / 8 - 1.3);
    const x = Tensor.fromArray(device, values, [2, 3, 4, 4], { dtype: 'float16' });
    const halves = await x.toArray();
    const { result, uploads, readbacks } = await countTransfers(device, async () => {
      const inOrt = (await toOrtTensor(ort, x)) as unknown as { type: string; dims: number[]; gpuBuffer: GPUBuffer; getData(): Promise<Uint16Array> };
      const back = fromOrtTensor(device, inOrt as never);
      const pooled = F.avgPool2d(back, 2);
      return { inOrt, back, pooled };
    });
    expect([uploads, readbacks]).toEqual([0, 0]);
    expect(result.inOrt.type).toBe('float16');
    expect(result.inOrt.gpuBuffer).toBe(x.gpuBuffer.buffer);
    expect(result.back.dtype).toBe('float16');
    expect(result.back.gpuBuffer.buffer).toBe(x.gpuBuffer.buffer);
    expect(Array.from(await result.inOrt.getData())).toEqual(Array.from(halves, halfBits));
    const expected = reference.avgPool2d(halves, [2, 3, 4, 4], 2);
    expectClose(await result.pooled.toArray(), unpackHalves(packHalves(expected.data), expected.data.length), 'AvgPool2d(2) on ORT’s halves, rounded once');
    for (const t of [x, result.back, result.pooled]) t.dispose();
  });

  test('an ORT tensor on the CPU, or of another type, is a clear error', async () => {
    const cpu = new ort.Tensor('float32', new Float32Array(4), [1, 4]);
    expect(() => fromOrtTensor(device, cpu as never)).toThrow(
      "fromOrtTensor: the tensor is on 'cpu', not in a GPU buffer: run the session with preferredOutputLocation: 'gpu-buffer'",
    );
    expect(() => fromOrtTensor(device, {} as never)).toThrow('fromOrtTensor: expected an onnxruntime-web Tensor');
  });
});

describe("TF.js (WebGPU) on the kit's device", () => {
  let device: GPUDevice;
  let tf: Awaited<ReturnType<typeof tfjsOn>>;
  let kitTf: TfLike;
  /** The buffer in which TF.js's WebGPU backend holds a tensor. */
  const tfjsBuffer = (t: unknown) =>
    (tf.backend() as unknown as { tensorMap: { get(id: object): { resource: unknown } } }).tensorMap.get((t as { dataId: object }).dataId).resource;
  beforeAll(async () => {
    device = await requestDevice({ adapter: 'swiftshader', quiet: true, autotune: false });
    tf = await tfjsOn(device);
    kitTf = tf as unknown as TfLike;
  }, 120_000);
  afterAll(() => device?.destroy());

  test('an NHWC TF.js tensor enters the kit as NCHW and a result goes back as NHWC, on the GPU', async () => {
    const shape = [2, 3, 5, 4];
    const data = randomData(seededRandom(42), 2 * 3 * 5 * 4);
    // What a TF.js model hands over: an NHWC tensor on the GPU (the output of an op).
    const input = tf.tidy(() => tf.add(tf.tensor(nhwc(data, shape), [2, 5, 4, 3], 'float32'), 0));
    const before = gpuStats(device);
    const { result, readbacks } = await countTransfers(device, async () => {
      const x = fromTfjs(kitTf, device, input as never);
      const y = F.adaptiveAvgPool2d(x, [2, 3]);
      const back = await toTfjs(kitTf, y);
      return { x, y, back };
    });
    expect(readbacks).toBe(0);
    expect(gpuStats(device).writeBuffers - before.writeBuffers).toBe(0);
    expect(gpuStats(device).dispatches - before.dispatches).toBe(3); // permute in, pool, permute out
    expect(result.x.shape).toEqual(shape);
    expectClose(await result.x.toArray(), data, 'NHWC → NCHW');
    const expected = reference.adaptiveAvgPool2d(data, shape, [2, 3]);
    const back = result.back as { shape: number[]; data(): Promise<Float32Array>; dispose(): void };
    expect(back.shape).toEqual([2, 2, 3, 3]);
    expectClose(new Float32Array(await back.data()), nhwc(expected.data, expected.shape), 'back in TF.js, NHWC');
    for (const t of [result.x, result.y]) t.dispose();
    back.dispose();
    input.dispose();
  });

  test('layout channelsLast: an NHWC TF.js tensor is a channelsLast view with no kernel, and goes back with none', async () => {
    const shape = [2, 4, 3, 5];
    const data = randomData(seededRandom(43), 2 * 4 * 3 * 5);
    const input = tf.tidy(() => tf.add(tf.tensor(nhwc(data, shape), [2, 3, 5, 4], 'float32'), 0));
    const tensorsBefore = tf.memory().numTensors;
    const before = gpuStats(device);
    const { result, readbacks } = await countTransfers(device, async () => {
      const x = fromTfjs(kitTf, device, input as never, { layout: 'channelsLast' });
      const y = F.relu(x);
      const back = await toTfjs(kitTf, y);
      return { x, y, back };
    });
    expect(readbacks).toBe(0);
    expect(gpuStats(device).dispatches - before.dispatches).toBe(1); // the relu; no permute either way
    // No copy either: the view reads the buffer in which TF.js's backend holds the tensor.
    expect(result.x.gpuBuffer.buffer).toBe(tfjsBuffer(input));
    expect([result.x.memoryFormat, result.y.memoryFormat]).toEqual(['channelsLast', 'channelsLast']);
    expect(result.x.shape).toEqual(shape);
    expectClose(await result.x.toArray(), data, 'logical order');
    const back = result.back as { shape: number[]; data(): Promise<Float32Array>; dispose(): void };
    expect(back.shape).toEqual([2, 3, 5, 4]);
    const relu = reference.activation(data, shape, 'relu');
    expectClose(new Float32Array(await back.data()), nhwc(relu.data, shape), 'back in TF.js, NHWC');
    // TF.js's handed-over buffer is released to it once the view is disposed and its work submitted.
    expect(tf.memory().numTensors).toBeGreaterThan(tensorsBefore);
    for (const t of [result.x, result.y]) t.dispose();
    await synchronize(device);
    back.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    input.dispose();
  });

  test("a view made inside tf.tidy keeps TF.js's buffer after the tidy and after the caller disposes the tensor", async () => {
    const shape = [1, 4, 2, 3];
    const data = randomData(seededRandom(44), 24);
    const input = tf.tidy(() => tf.add(tf.tensor(nhwc(data, shape), [1, 2, 3, 4], 'float32'), 0));
    let x!: Tensor;
    tf.tidy(() => {
      x = fromTfjs(kitTf, device, input as never, { layout: 'channelsLast' });
    });
    input.dispose();
    // TF.js's next tensors of this size would take its buffer, had the kit's reference gone with the tidy.
    const others = [0, 1, 2].map(() => tf.tidy(() => tf.add(tf.tensor(new Float32Array(24).fill(-7), [1, 2, 3, 4], 'float32'), 0)));
    for (const t of others) expect((await t.data())[0]).toBe(-7); // TF.js's work submitted
    expectClose(await x.toArray(), data, 'the view, after TF.js reused its memory');
    x.dispose();
    for (const t of others) t.dispose();
  });

  test("zeroCopy: TF.js reads the kit's buffer, which lives as long as the kit's tensor", async () => {
    // [2,4,3,5]: 480 bytes, not a whole pool bucket, so NCHW and 'same' hand over a kernel's or a copy's exact
    // buffer; [2,4,4,8] (1 KiB) fills its bucket, so a channelsLast tensor hands over its own.
    for (const [shape, memoryFormat, layout] of [
      [[2, 4, 3, 5], 'contiguous', 'nhwc'],
      [[2, 4, 3, 5], 'contiguous', 'same'],
      [[2, 4, 3, 5], 'channelsLast', 'nhwc'],
      [[2, 4, 4, 8], 'channelsLast', 'nhwc'],
    ] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = randomData(seededRandom(size), size);
      const x = Tensor.fromArray(device, data, shape).contiguous(memoryFormat);
      const y = F.relu(x);
      const dispatchesBefore = gpuStats(device).dispatches;
      const back = (await toTfjs(kitTf, y, { layout, zeroCopy: true })) as { shape: number[]; data(): Promise<Float32Array>; dispose(): void };
      const own = memoryFormat === 'channelsLast' && size * 4 === 1024;
      expect(tfjsBuffer(back) === y.gpuBuffer.buffer, `${shape} ${memoryFormat}: its own buffer`).toBe(own);
      const kernels = memoryFormat === 'contiguous' && layout === 'nhwc' ? 1 : 0;
      expect(gpuStats(device).dispatches - dispatchesBefore, `${shape} ${memoryFormat} ${layout}: kernels`).toBe(kernels);
      // Work of the same sizes after the hand-off would reuse a buffer released too early, and overwrite it.
      const other = Tensor.fromArray(device, randomData(seededRandom(size + 1), size), shape).contiguous(memoryFormat);
      for (let i = 0; i < 3; i++) {
        const r = F.relu(other);
        const copied = (await toTfjs(kitTf, r, { layout })) as { dispose(): void };
        r.dispose();
        copied.dispose();
      }
      other.dispose();
      await synchronize(device);
      const relu = reference.activation(data, shape, 'relu');
      const expected = layout === 'same' ? relu.data : nhwc(relu.data, [...shape]);
      expect(back.shape).toEqual(layout === 'same' ? [...shape] : [shape[0], shape[2], shape[3], shape[1]]);
      expectClose(new Float32Array(await back.data()), expected, `${shape} ${memoryFormat} ${layout}: back in TF.js`);
      back.dispose();
      for (const t of [x, y]) t.dispose();
    }
  });

  test('a TF.js tensor of another device is a clear error before any GPU work', async () => {
    const other = await requestDevice({ adapter: 'swiftshader', quiet: true, autotune: false });
    const input = tf.tidy(() => tf.add(tf.tensor([1, 2, 3, 4], [1, 4], 'float32'), 0));
    const before = gpuStats(other);
    let error: unknown;
    try {
      fromTfjs(kitTf, other, input as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebGPULayersError);
    expect((error as WebGPULayersError).code).toBe('wrong-device');
    expect(gpuStats(other).dispatches).toBe(before.dispatches);
    const x = Tensor.fromArray(other, new Float32Array(4), [1, 4]);
    await expect(toTfjs(kitTf, x)).rejects.toThrow(/toTfjs: TF.js runs on another GPUDevice/);
    x.dispose();
    input.dispose();
    other.destroy();
  });
});
