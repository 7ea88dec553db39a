// Tensor's checks that need the device: a tensor fits one buffer, a caller's buffer can hold it, and a read's
// mapping reports a lost device as such.
import { WebGPULayersError } from './errors.js';
import type { DeviceContext } from '../runtime/context.js';

/** A clear error, before any allocation, for a tensor larger than one buffer of this device can be. */
export function checkFits(context: DeviceContext, shape: readonly number[], bytes: number, dtype = 'float32'): void {
  const { maxBufferSize } = context.limits;
  if (bytes > maxBufferSize) {
    throw new WebGPULayersError(
      'too-large',
      `a ${dtype} tensor of shape [${shape.join(', ')}] needs ${bytes} bytes, more than this device's maxBufferSize (${maxBufferSize} bytes)`,
    );
  }
}

/** Tensor.fromGPUBuffer's checks, before any GPU work; returns the byte offset. */
export function checkExternalBuffer(
  context: DeviceContext,
  buffer: GPUBuffer,
  shape: readonly number[],
  bytes: number,
  byteOffset: number,
  dtype = 'float32',
): number {
  const who = 'Tensor.fromGPUBuffer';
  if (typeof buffer !== 'object' || buffer === null || typeof buffer.size !== 'number' || typeof buffer.usage !== 'number') {
    throw new WebGPULayersError('invalid-argument', `${who}: expected a GPUBuffer, but got ${buffer === null ? 'null' : typeof buffer}`);
  }
  const alignment = context.limits.minStorageBufferOffsetAlignment;
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % alignment !== 0) {
    throw new WebGPULayersError(
      'invalid-argument',
      `${who}: byteOffset must be a non-negative multiple of this device's minStorageBufferOffsetAlignment (${alignment}), but got ${String(byteOffset)}`,
    );
  }
  if (!(buffer.usage & GPUBufferUsage.STORAGE)) {
    throw new WebGPULayersError('invalid-argument', `${who}: the buffer needs STORAGE usage for the kit's kernels to read it (its usage is ${buffer.usage})`);
  }
  if (byteOffset + bytes > buffer.size) {
    throw new WebGPULayersError(
      'invalid-argument',
      `${who}: a ${dtype} tensor of shape [${shape.join(', ')}] at byteOffset ${byteOffset} needs ${byteOffset + bytes} bytes, but the buffer has ${buffer.size}`,
    );
  }
  checkFits(context, shape, bytes, dtype);
  return byteOffset;
}

/**
 * Maps a staging buffer for reading. A lost or destroyed device rejects a pending mapAsync (AbortError), which is
 * reported as such. (Not a race with `device.lost`: that would add a reaction to it on every read, forever.)
 */
export async function mapForRead(context: DeviceContext, staging: GPUBuffer, bytes: number): Promise<void> {
  try {
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
  } catch (error) {
    const lost = context.lostReason;
    if (lost || (error as Error).name === 'AbortError') {
      throw new WebGPULayersError('device-lost', `the GPU device was lost while reading a tensor (${lost ?? (error as Error).message})`);
    }
    throw error;
  }
}
