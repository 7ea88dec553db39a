// Hand-off to ONNX Runtime Web and TF.js on the kit's own device, with no copy through the CPU. The kit depends on
// neither: their tensors are recognised by shape (duck typing), and the callers pass in the library itself where
// a tensor of it must be made. Layouts: the kit and ORT use NCHW; TF.js uses NHWC, so a 4-D hand-off to or from
// TF.js permutes on the GPU (one copy kernel), unless the kit's tensor is channelsLast (no kernel: NHWC memory).
import { WebGPULayersError } from '../core/errors.js';
import { contextOf } from '../runtime/context.js';
import { permute4d } from '../ops/permute/functional.js';
import { Tensor } from '../core/tensor.js';
import { packHalves } from '../core/half.js';
import { sameAsContiguous } from '../core/memoryFormat.js';

/** What the kit reads of an onnxruntime-web Tensor. */
export interface OrtTensorLike {
  readonly location: string;
  readonly type: string;
  readonly dims: readonly number[];
  readonly gpuBuffer?: GPUBuffer;
}

/** What the kit uses of the onnxruntime-web module (`import * as ort from 'onnxruntime-web/webgpu'`). */
export interface OrtLike<T = unknown> {
  Tensor: {
    fromGpuBuffer(
      buffer: GPUBuffer,
      options: { dataType: 'float32' | 'float16'; dims: readonly number[]; download?: () => Promise<Float32Array | Uint16Array> },
    ): T;
  };
}

/**
 * An ORT-web output that stays on the GPU (a session made with `preferredOutputLocation: 'gpu-buffer'` and
 * `executionProviders: [{ name: 'webgpu', device }]` on this device) as a kit tensor over the same buffer: no
 * copy. Keep the ORT tensor undisposed while the kit's queued work reads it. A buffer of another device (ORT
 * running on its own device, onnxruntime#26107) fails that work with a `wrong-device` error.
 */
export function fromOrtTensor(device: GPUDevice, tensor: OrtTensorLike): Tensor {
  const who = 'fromOrtTensor';
  if (typeof tensor !== 'object' || tensor === null || typeof tensor.location !== 'string' || !Array.isArray(tensor.dims)) {
    throw new WebGPULayersError('invalid-argument', `${who}: expected an onnxruntime-web Tensor`);
  }
  if (tensor.location !== 'gpu-buffer' || !tensor.gpuBuffer) {
    throw new WebGPULayersError(
      'invalid-argument',
      `${who}: the tensor is on '${tensor.location}', not in a GPU buffer: run the session with preferredOutputLocation: 'gpu-buffer' and the WebGPU execution provider on this device`,
    );
  }
  if (tensor.type !== 'float32' && tensor.type !== 'float16') {
    throw new WebGPULayersError('invalid-argument', `${who}: the kit takes float32 and float16 tensors, but this one is ${tensor.type}`);
  }
  // ORT's float16 buffers hold halves two to a word, element 2i low, as the kit's do: the same buffer either way.
  return Tensor.fromGPUBuffer(device, tensor.gpuBuffer, tensor.dims, { dtype: tensor.type });
}

/**
 * A kit tensor as an ORT-web tensor over the same GPU buffer (`ort.Tensor.fromGpuBuffer`), for a session on the
 * same device: no copy. Keep the kit tensor undisposed while ORT uses it (its `getData()` reads it through the
 * kit). Waits until the kit's work that writes it has been submitted, so ORT's later submits read the result.
 */
export async function toOrtTensor<T>(ort: OrtLike<T>, tensor: Tensor): Promise<T> {
  const { buffer, byteOffset } = tensor.gpuBuffer;
  if (byteOffset !== 0) {
    throw new WebGPULayersError(
      'invalid-argument',
      "toOrtTensor: ORT takes whole buffers; this tensor starts at an offset in a caller's buffer: run it through an op first",
    );
  }
  if (!sameAsContiguous(tensor.shape, tensor.memoryFormat)) {
    throw new WebGPULayersError(
      'invalid-argument',
      `toOrtTensor: ORT takes contiguous (NCHW) tensors, but this one is ${tensor.memoryFormat}: tensor.contiguous() first`,
    );
  }
  await contextOf(tensor.device).batch.whenSubmitted();
  // ORT's float16 data is the halves' bits (a Uint16Array); the kit reads halves back as their float32 values.
  const half = tensor.dtype === 'float16';
  const download = async () => {
    const values = await tensor.toArray();
    return half ? new Uint16Array(packHalves(values).buffer, 0, values.length) : values;
  };
  return ort.Tensor.fromGpuBuffer(buffer, { dataType: tensor.dtype, dims: [...tensor.shape], download });
}

/** What the kit reads of a TF.js tensor. */
export interface TfTensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  dataToGPU(): { buffer?: GPUBuffer; tensorRef: { dispose(): void } };
}

/** What the kit uses of TF.js (`import * as tf from '@tensorflow/tfjs-core'` with the WebGPU backend set). */
export interface TfLike<T = unknown> {
  backend(): unknown;
  tensor(values: { buffer: GPUBuffer; zeroCopy?: boolean }, shape: readonly number[], dtype: 'float32'): T;
}

export interface TfHandOffOptions {
  /**
   * 'nhwc' (default for 4-D): TF.js's NHWC tensors meet the kit's NCHW ones, permuted on the GPU;
   * 'channelsLast' (fromTfjs, 4-D): no kernel: the kit's tensor is a channelsLast view (logical N, C, H, W) over the
   * buffer TF.js hands over, released to TF.js when the view is disposed; a channelsLast tensor goes to TF.js with no
   * kernel under either option;
   * 'same': the layout is kept (a 4-D tensor's values are handed over in the order they are in).
   */
  layout?: 'nhwc' | 'channelsLast' | 'same';
}

/** The TF.js backend's device, when it is WebGPU. */
function tfDevice(tf: TfLike): GPUDevice | null {
  const backend = tf.backend() as { device?: GPUDevice };
  return backend && typeof backend === 'object' && 'device' in backend ? (backend.device ?? null) : null;
}

/**
 * A TF.js tensor on its WebGPU backend (on this device) as a kit tensor: `dataToGPU()`, then one copy kernel into
 * the kit's layout (NHWC → NCHW for 4-D tensors). TF.js's temporary copy is released once the kit's work is
 * submitted.
 */
export function fromTfjs(tf: TfLike, device: GPUDevice, tensor: TfTensorLike, options: TfHandOffOptions = {}): Tensor {
  const who = 'fromTfjs';
  if (typeof tensor !== 'object' || tensor === null || typeof tensor.dataToGPU !== 'function') {
    throw new WebGPULayersError('invalid-argument', `${who}: expected a TF.js tensor`);
  }
  if (tensor.dtype !== 'float32') throw new WebGPULayersError('invalid-argument', `${who}: the kit takes float32 tensors, but this one is ${tensor.dtype}`);
  const backendDevice = tfDevice(tf);
  if (!backendDevice) throw new WebGPULayersError('invalid-argument', `${who}: TF.js's backend is not WebGPU (tf.setBackend('webgpu') on this device first)`);
  if (backendDevice !== device) {
    throw new WebGPULayersError(
      'wrong-device',
      `${who}: TF.js runs on another GPUDevice; register its WebGPU backend with this device (new WebGPUBackend(device))`,
    );
  }
  const nhwc = tensor.shape.length === 4 && (options.layout ?? 'nhwc') === 'nhwc';
  let data: ReturnType<TfTensorLike['dataToGPU']>;
  try {
    data = tensor.dataToGPU();
  } catch (error) {
    throw new WebGPULayersError(
      'invalid-argument',
      `${who}: TF.js could not hand over this tensor on the GPU (${(error as Error).message}): a tensor made from CPU values stays there until an op runs on it`,
    );
  }
  const { buffer, tensorRef } = data;
  if (!buffer) {
    tensorRef.dispose();
    throw new WebGPULayersError('invalid-argument', `${who}: TF.js gave no GPU buffer for this tensor`);
  }
  if (tensor.shape.length === 4 && options.layout === 'channelsLast') {
    const [n, h, w, c] = tensor.shape as [number, number, number, number];
    // TF.js may reuse the buffer once its reference goes: when the kit's view (and its views) are done with it.
    return Tensor.fromGPUBuffer(device, buffer, [n, c, h, w], { memoryFormat: 'channelsLast', onRelease: () => tensorRef.dispose() });
  }
  const view = Tensor.fromGPUBuffer(device, buffer, tensor.shape);
  try {
    // One copy kernel into a buffer of the kit's: the permute, or for other layouts the identity permute.
    return nhwc ? permute4d(view, [0, 3, 1, 2]) : copyOf(view);
  } finally {
    view.dispose();
    // TF.js may reuse its buffer once we let go of it: only after the kit's read of it is submitted.
    contextOf(device)
      .batch.whenSubmitted()
      .then(() => tensorRef.dispose());
  }
}

/** A kit-owned copy of any tensor (one copy command). */
function copyOf(view: Tensor): Tensor {
  const shape4 = [1, 1, 1, view.size];
  const flat = view.reshape(shape4);
  try {
    const copy = permute4d(flat, [0, 1, 2, 3]);
    const shaped = copy.reshape(view.shape);
    copy.dispose();
    return shaped;
  } finally {
    flat.dispose();
  }
}

/**
 * A kit tensor as a TF.js tensor on its WebGPU backend (on this device): one copy kernel into a buffer of exactly
 * the tensor's bytes (TF.js takes a buffer's size as its data's), permuted into NHWC for 4-D tensors, then
 * `tf.tensor({ buffer })`, which copies it on the GPU into TF.js's own buffer. Waits until the kit's work is
 * submitted first, so TF.js's copy reads the result.
 */
export async function toTfjs<T>(tf: TfLike<T>, tensor: Tensor, options: TfHandOffOptions = {}): Promise<T> {
  const backendDevice = tfDevice(tf);
  if (!backendDevice) throw new WebGPULayersError('invalid-argument', "toTfjs: TF.js's backend is not WebGPU (tf.setBackend('webgpu') on this device first)");
  if (backendDevice !== tensor.device) {
    throw new WebGPULayersError(
      'wrong-device',
      "toTfjs: TF.js runs on another GPUDevice; register its WebGPU backend with this tensor's device (new WebGPUBackend(device))",
    );
  }
  if (tensor.dtype !== 'float32') throw new WebGPULayersError('invalid-argument', `toTfjs: TF.js takes float32 tensors here, but this one is ${tensor.dtype}`);
  if (tensor.memoryFormat === 'channelsLast' && options.layout !== 'same') return toTfjsAsItLies(tf, tensor);
  const nhwc = tensor.shape.length === 4 && (options.layout ?? 'nhwc') === 'nhwc';
  const source = sameAsContiguous(tensor.shape, tensor.memoryFormat) ? tensor : tensor.contiguous();
  const flat = nhwc ? null : source.reshape([1, 1, 1, tensor.size]);
  const exact = nhwc ? permute4d(source, [0, 2, 3, 1], true) : permute4d(flat!, [0, 1, 2, 3], true);
  flat?.dispose();
  if (source !== tensor) source.dispose();
  const shape = nhwc ? exact.shape : tensor.shape;
  try {
    await contextOf(tensor.device).batch.whenSubmitted();
    return tf.tensor({ buffer: exact.gpuBuffer.buffer }, [...shape], 'float32');
  } finally {
    // TF.js's copy was submitted inside tf.tensor, so our buffer may go back to the pool.
    exact.dispose();
  }
}

/**
 * A channelsLast tensor to TF.js: its memory is NHWC already, so no kernel, only a copy command into a buffer of
 * exactly its bytes (TF.js takes a buffer's size as the data's), unless its own buffer is that already.
 */
async function toTfjsAsItLies<T>(tf: TfLike<T>, tensor: Tensor): Promise<T> {
  const [n, c, h, w] = tensor.shape as [number, number, number, number];
  const view = tensor.gpuBuffer;
  const own = view.byteOffset === 0 && view.buffer.size === view.byteLength;
  const exact = own ? null : Tensor.empty(tensor.device, [view.byteLength / 4], true);
  if (exact) exact.setWrittenBy(copyBytes(tensor, exact));
  try {
    await contextOf(tensor.device).batch.whenSubmitted();
    return tf.tensor({ buffer: exact ? exact.gpuBuffer.buffer : view.buffer }, [n, h, w, c], 'float32');
  } finally {
    exact?.dispose();
  }
}

/** Records a copy of `from`'s bytes into `to` (one copy command, no kernel). */
function copyBytes(from: Tensor, to: Tensor): Promise<void> {
  const view = from.gpuBuffer;
  const batch = contextOf(from.device).batch;
  const check = from.externalCheck;
  if (check) batch.requireBeforeSubmit(check);
  return batch.record({ kind: 'copy', source: view.buffer, sourceOffset: view.byteOffset, destination: to.buffer, size: view.byteLength });
}
