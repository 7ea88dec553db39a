// Tensors larger than one storage binding (maxStorageBufferBindingSize, 128 MiB by default) are processed in
// pieces along their (n, c) planes (for Linear, its rows): each piece binds a window of the input and of the
// output, and the kernel is told where its first plane starts inside those windows (binding offsets must be
// aligned, planes need not be). Windows end on a 16-byte boundary, so kernels that read vec4s (linear) find the
// last, partly used vec4 inside (buffers are allocated in 16-byte multiples: src/runtime/allocator.ts).

import { WebGPULayersError } from '../core/errors.js';
import { contextOf } from './context.js';

export interface PlaneChunk {
  firstPlane: number;
  planes: number;
  input: GPUBufferBinding;
  output: GPUBufferBinding;
  /** Where the chunk's first plane starts inside the bound windows, in elements (f32, or halves). */
  inputBase: number;
  outputBase: number;
  /** Windows of the further outputs (e.g. max pooling's indices), laid out as the output; they start at outputBase too. */
  extraOutputs: GPUBufferBinding[];
}

const alignDown = (value: number, alignment: number) => Math.floor(value / alignment) * alignment;

/** The window [offset, offset + size) that holds planes [first, first + count), and where they start in it. */
function window(first: number, count: number, planeBytes: number, alignment: number, tensor: GPUBufferBinding, elementBytes = 4) {
  const buffer = tensor.buffer;
  const start = (tensor.offset ?? 0) + first * planeBytes;
  const offset = alignDown(start, alignment);
  // Up to the next 16 bytes, never past the buffer's end (a caller's buffer may end right after the tensor).
  const size = Math.min(Math.max(16, Math.ceil((start + count * planeBytes - offset) / 16) * 16), Math.floor((buffer.size - offset) / 4) * 4);
  return { binding: { buffer, offset, size }, base: (start - offset) / elementBytes };
}

/** Whether `planes` planes of these bytes (input, output) fit one storage binding each: one piece, no windows. */
export function fitsOneBinding(device: GPUDevice, planes: number, inPlaneBytes: number, outPlaneBytes: number): boolean {
  const { maxStorageBufferBindingSize: maxBinding } = contextOf(device).limits;
  return planes * inPlaneBytes <= maxBinding && planes * outPlaneBytes <= maxBinding;
}

/**
 * Launches `launchChunk` for each piece of `planes` planes of inPlaneElements (input) and outPlaneElements
 * (output) f32 values, the pieces cut so that their bound windows fit the device's storage binding limit: one
 * piece, covering everything, when it all fits. Resolves when all are submitted and checked.
 */
export function launchInChunks(
  device: GPUDevice,
  planes: number,
  inPlaneElements: number,
  outPlaneElements: number,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  launchChunk: (chunk: PlaneChunk) => Promise<void>,
  {
    extraOutputs = [],
    planeName = '(n, c) plane',
    inputElementBytes = 4,
    outputElementBytes = 4,
  }: {
    extraOutputs?: readonly GPUBufferBinding[];
    planeName?: string;
    /** 2 for packed float16 input (bases are then in halves). */
    inputElementBytes?: number;
    /** 2 for packed float16 output (and its extra outputs, which start at outputBase too). */
    outputElementBytes?: number;
  } = {},
): Promise<void> {
  const [inPlaneBytes, outPlaneBytes] = [inPlaneElements * inputElementBytes, outPlaneElements * outputElementBytes];
  const { maxStorageBufferBindingSize: maxBinding, minStorageBufferOffsetAlignment: alignment } = contextOf(device).limits;
  if (fitsOneBinding(device, planes, inPlaneBytes, outPlaneBytes)) {
    return launchChunk({ firstPlane: 0, planes, input, output, inputBase: 0, outputBase: 0, extraOutputs: [...extraOutputs] });
  }
  // A window starts up to alignment − 4 bytes before its first plane and ends up to 12 bytes after its last.
  const perChunk = Math.floor((maxBinding - alignment - 16) / Math.max(inPlaneBytes, outPlaneBytes, 4));
  if (perChunk < 1) {
    throw new WebGPULayersError(
      'too-large',
      `one ${planeName} needs ${Math.max(inPlaneBytes, outPlaneBytes)} bytes, more than this device's ` + `maxStorageBufferBindingSize (${maxBinding} bytes)`,
    );
  }
  const launched: Promise<void>[] = [];
  for (let first = 0; first < planes; first += perChunk) {
    const count = Math.min(perChunk, planes - first);
    const inWindow = window(first, count, inPlaneBytes, alignment, input, inputElementBytes);
    const outWindow = window(first, count, outPlaneBytes, alignment, output, outputElementBytes);
    const extras = extraOutputs.map((extra) => window(first, count, outPlaneBytes, alignment, extra, outputElementBytes));
    if (extras.some((extra) => extra.base !== outWindow.base)) throw new Error('webgpu-layers: outputs of one kernel must start at equally aligned offsets');
    launched.push(
      launchChunk({
        firstPlane: first,
        planes: count,
        input: inWindow.binding,
        output: outWindow.binding,
        inputBase: inWindow.base,
        outputBase: outWindow.base,
        extraOutputs: extras.map((extra) => extra.binding),
      }),
    );
  }
  return Promise.all(launched).then(() => {});
}
