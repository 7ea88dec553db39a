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
