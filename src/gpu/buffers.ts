// GPU buffer creation and release, counted per device so tests can assert that nothing leaks.
import { deviceState } from './deviceState.js';

/**
 * Buffers are allocated in 16-byte multiples (never empty): copies need 4-byte alignment, and kernels that
 * read f32 data as vec4s (linear) need the last partial vec4 inside the buffer.
 */
const alignedSize = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

export function createBuffer(device: GPUDevice, bytes: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
  const buffer = device.createBuffer({ size: alignedSize(bytes), usage, label });
  deviceState(device).liveBytes += buffer.size;
  return buffer;
}

/** A storage buffer holding `data`, uploaded at creation. */
export function createStorageBuffer(device: GPUDevice, data: Float32Array, label: string): GPUBuffer {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffer = createBuffer(device, data.byteLength, usage, label);
  // A plain copy: Dawn rejects views of a SharedArrayBuffer (e.g. a wasm heap) in writeBuffer.
  const source = data.buffer instanceof ArrayBuffer ? data : new Float32Array(data);
  if (source.byteLength > 0) device.queue.writeBuffer(buffer, 0, source.buffer, source.byteOffset, source.byteLength);
  return buffer;
}

/** A uniform buffer holding packed kernel parameters. */
export function createUniformBuffer(device: GPUDevice, params: ArrayBuffer, label: string): GPUBuffer {
  const buffer = createBuffer(device, params.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label);
  device.queue.writeBuffer(buffer, 0, params);
  return buffer;
}

export function releaseBuffer(device: GPUDevice, buffer: GPUBuffer): void {
  deviceState(device).liveBytes -= buffer.size;
  buffer.destroy();
}

const placeholders = new WeakMap<GPUDevice, GPUBuffer>();

/**
 * A 4-byte storage buffer bound where a kernel's optional input is absent (a Linear without bias), so every
 * variant has the same bindings. One per device, kept for the device's life, not counted in liveBytes.
 */
export function placeholderBuffer(device: GPUDevice): GPUBuffer {
  let buffer = placeholders.get(device);
  if (!buffer) {
    buffer = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE, label: 'placeholder' });
    placeholders.set(device, buffer);
  }
  return buffer;
}
