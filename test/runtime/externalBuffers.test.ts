// Zero-copy GPU buffers: tensors over a caller's buffer (Tensor.fromGPUBuffer), at an offset and unpadded, run
// through every kernel; results handed out through tensor.gpuBuffer; bad buffers refused clearly before any GPU
// work, the caller's buffer never changed or destroyed, and the device still usable.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, WebGPULayersError, gpuStats, memoryStats, nn, reference, synchronize } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { infer } from '../helpers/infer.js';

/** A caller's buffer holding `data` at `byteOffset`, its size not rounded past the data (4-byte multiples). */
function callerBuffer(
  device: GPUDevice,
  data: Float32Array,
  byteOffset: number,
  usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
): GPUBuffer {
  const buffer = device.createBuffer({ size: byteOffset + data.byteLength, usage, mappedAtCreation: true });
  new Float32Array(buffer.getMappedRange(), byteOffset, data.length).set(data);
  buffer.unmap();
  return buffer;
}

/** Reads a buffer back with plain WebGPU (not through the kit). */
async function readRaw(device: GPUDevice, buffer: GPUBuffer, byteOffset: number, byteLength: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, byteOffset, staging, 0, byteLength);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return values;
}

describe.each(testAdapters())('external buffers on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test("a tensor over a caller's buffer, at an offset and unpadded, runs through every kernel without a copy of the buffer", async () => {
    const random = seededRandom(31);
    const shape = [1, 3, 5, 5]; // 300 bytes: not a multiple of 16, so vec4 kernels must not read past it
    const data = randomData(random, 75);
    const buffer = callerBuffer(device, data, 256);
    const x = Tensor.fromGPUBuffer(device, buffer, shape, { byteOffset: 256 });
    expect(x.gpuBuffer).toEqual({ buffer, byteOffset: 256, byteLength: 300 });
    const allocated = memoryStats(device).allocatedBytes; // a caller's buffer is not the kit's memory
    const se = new nn.SELayer(3, 1);
    const linear = new nn.Linear(25, 7);
    const head = new nn.ResNetHead(3, 4);
    const rows = x.reshape([3, 25]);
    const runs: [string, Tensor, Float32Array][] = [
      [
        'avg_pool2d',
        F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
        reference.avgPool2d(data, shape, 3, { stride: 2, padding: 1, ceilMode: true }).data,
      ],
      ['adaptive_avg_pool2d', F.adaptiveAvgPool2d(x, [2, 3]), reference.adaptiveAvgPool2d(data, shape, [2, 3]).data],
      ['global pool', F.adaptiveAvgPool2d(x, 1), reference.adaptiveAvgPool2d(data, shape, 1).data],
      ['relu', F.relu(x), reference.activation(data, shape, 'relu').data],
      ['SELayer (channel scale reads vec4s)', infer(se, x), se.forwardCpu({ data, shape }).data],
      ['Linear (reads vec4s)', infer(linear, rows), linear.forwardCpu({ data, shape: [3, 25] }).data],
      ['ResNetHead', infer(head, x), head.forwardCpu({ data, shape }).data],
    ];
    for (const [name, y, expected] of runs) {
      expectClose(await y.toArray(), expected, name);
      y.dispose();
    }
    expect(await x.toArray()).toEqual(data);
    for (const t of [x, rows, se, linear, head]) t.dispose();
    await synchronize(device);
    expect(memoryStats(device).allocatedBytes).toBe(allocated);
    // Disposing never destroyed or changed the caller's buffer.
    expect(await readRaw(device, buffer, 256, 300)).toEqual(data);
    buffer.destroy();
  });

  test('tensor.gpuBuffer hands a result to plain WebGPU code on the same device', async () => {
    const data = randomData(seededRandom(32), 2 * 4 * 6 * 6);
    const x = Tensor.fromArray(device, data, [2, 4, 6, 6]);
    const y = F.avgPool2d(x, 2);
    const { buffer, byteOffset, byteLength } = y.gpuBuffer;
    expect(byteLength).toBe(y.size * 4);
    await synchronize(device);
    expectClose(await readRaw(device, buffer, byteOffset, byteLength), reference.avgPool2d(data, [2, 4, 6, 6], 2).data, 'read through gpuBuffer');
    for (const t of [x, y]) t.dispose();
    expect(() => y.gpuBuffer).toThrow(/was disposed/);
  });

  test('bad buffers are clear errors before any GPU work; the buffer is untouched and the device still works', async () => {
    const data = new Float32Array(64).fill(3);
    const buffer = callerBuffer(device, data, 0);
    const uniform = device.createBuffer({ size: 256, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const before = gpuStats(device);
    const cases: [string, () => unknown, RegExp][] = [
      ['not a buffer', () => Tensor.fromGPUBuffer(device, new Float32Array(4) as never, [4]), /expected a GPUBuffer, but got object/],
      ['no STORAGE usage', () => Tensor.fromGPUBuffer(device, uniform, [4]), /needs STORAGE usage/],
      ['too small', () => Tensor.fromGPUBuffer(device, buffer, [1, 1, 8, 9]), /needs 288 bytes, but the buffer has 256/],
      ['past the end at an offset', () => Tensor.fromGPUBuffer(device, buffer, [16], { byteOffset: 256 }), /needs 320 bytes, but the buffer has 256/],
      [
        'an unaligned offset',
        () => Tensor.fromGPUBuffer(device, buffer, [4], { byteOffset: 4 }),
        /byteOffset must be a non-negative multiple of this device's minStorageBufferOffsetAlignment \(256\), but got 4/,
      ],
      ['a bad shape', () => Tensor.fromGPUBuffer(device, buffer, [2, -2]), /shape must be an array of non-negative integers/],
    ];
    for (const [name, run, message] of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(Error);
      expect((error as Error).message, name).toMatch(message);
      if (error instanceof WebGPULayersError) expect(error.code, name).toBe('invalid-argument');
    }
    const after = gpuStats(device);
    expect([after.dispatches, after.submits]).toEqual([before.dispatches, before.submits]);
    // Without COPY_SRC a tensor still feeds kernels, but cannot be read back directly.
    const storageOnly = callerBuffer(device, data, 0, GPUBufferUsage.STORAGE);
    const t = Tensor.fromGPUBuffer(device, storageOnly, [1, 4, 4, 4]);
    await expect(t.toArray()).rejects.toThrow(/has no COPY_SRC usage/);
    const pooled = F.adaptiveAvgPool2d(t, 1);
    expect(await pooled.toArray()).toEqual(new Float32Array(4).fill(3));
    expect(await readRaw(device, buffer, 0, 256)).toEqual(data);
    for (const x of [t, pooled]) x.dispose();
    for (const b of [buffer, uniform, storageOnly]) b.destroy();
  });

  test('a buffer of another device is a clear error before anything is submitted; both devices keep working', async () => {
    const other = await testDevice(adapter, { autotune: false });
    const data = new Float32Array(16).map((_, i) => i);
    const foreign = callerBuffer(other, data, 0);
    const x = Tensor.fromGPUBuffer(device, foreign, [1, 1, 4, 4]);
    const y = F.avgPool2d(x, 2);
    const error = await y.toArray().catch((e: Error) => e);
    expect(error).toBeInstanceOf(WebGPULayersError);
    expect((error as WebGPULayersError).code).toBe('wrong-device');
    expect((error as Error).message).toMatch(/Tensor\.fromGPUBuffer: WebGPU rejected the buffer for this device/);
    for (const t of [x, y]) t.dispose();
    const ok = Tensor.fromArray(device, data, [1, 1, 4, 4]);
    const pooled = F.avgPool2d(ok, 2);
    expect(await pooled.toArray()).toEqual(new Float32Array([2.5, 4.5, 10.5, 12.5]));
    expect(await readRaw(other, foreign, 0, 64)).toEqual(data);
    for (const t of [ok, pooled]) t.dispose();
    foreign.destroy();
    other.destroy();
  });

  test('a destroyed buffer is refused by WebGPU before any of the work runs, clearly', async () => {
    const buffer = callerBuffer(device, new Float32Array(16).fill(1), 0);
    buffer.destroy();
    const x = Tensor.fromGPUBuffer(device, buffer, [1, 1, 4, 4]);
    const y = F.relu(x);
    const error = await y.toArray().catch((e: Error) => e);
    expect(error).toBeInstanceOf(WebGPULayersError);
    expect((error as WebGPULayersError).code).toBe('gpu-rejected');
    expect((error as Error).message).toMatch(/destroyed/);
    for (const t of [x, y]) t.dispose();
    const fine = Tensor.fromArray(device, new Float32Array([1, -1]), [2]);
    const relu = F.relu(fine);
    expect(await relu.toArray()).toEqual(new Float32Array([1, 0]));
    for (const t of [fine, relu]) t.dispose();
  });
});
