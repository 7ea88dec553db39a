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
  /** The key of its data in the backend's `tensorMap` (TF.js's tensors have one). */
  readonly dataId?: object;
  dataToGPU(): { buffer?: GPUBuffer; tensorRef: { dispose(): void } };
  /** A second reference to the same data (TF.js's `clone()`: no copy). */
  clone?(): { dispose(): void };
}

/** What the kit uses of TF.js (`import * as tf from '@tensorflow/tfjs-core'` with the WebGPU backend set). */
export interface TfLike<T = unknown> {
  backend(): unknown;
  tensor(values: { buffer: GPUBuffer; zeroCopy?: boolean }, shape: readonly number[], dtype: 'float32'): T;
  /** Keeps a tensor made inside `tf.tidy` past its end (the kit's reference to a handed-over tensor). */
  keep?<K>(tensor: K): K;
}

export interface TfHandOffOptions {
  /**
   * 'nhwc' (default for 4-D): TF.js's NHWC tensors meet the kit's NCHW ones, permuted on the GPU;
   * 'channelsLast' (fromTfjs, 4-D): no kernel and no copy: the kit's tensor is a channelsLast view (logical N, C, H,
   * W) over TF.js's own buffer, which TF.js keeps for it until the view is disposed; a channelsLast tensor goes to
   * TF.js with no kernel under either option;
   * 'same': the layout is kept (a 4-D tensor's values are handed over in the order they are in).
   */
  layout?: 'nhwc' | 'channelsLast' | 'same';
  /**
   * toTfjs: TF.js's tensor reads a buffer of the kit's (`tf.tensor({ buffer, zeroCopy: true })`) instead of copying
   * it into one of its own: the tensor's own buffer where its memory is in TF.js's order and of exactly its bytes
   * already (a channelsLast tensor, or layout 'same'), else the buffer of the one kernel or copy that makes it so.
   * That buffer lives as long as the kit's tensor: keep the kit's tensor undisposed while TF.js uses its tensor
   * (as with toOrtTensor).
   */
  zeroCopy?: boolean;
}

/** The TF.js backend, when it is WebGPU. */
interface TfWebGPUBackend {
  device: GPUDevice;
  /** Its tensors' data by dataId (public in its typings): `resource` is the GPU buffer of data on the GPU. */
  tensorMap?: { get(dataId: object): { resource?: unknown } | undefined };
  ensureCommandEncoderReady?(): void;
  endComputePassEncoder?(): void;
  submitQueue?(): void;
}

/** The TF.js backend, when it is WebGPU. */
function tfWebGPU(tf: TfLike): TfWebGPUBackend | null {
  const backend = tf.backend() as Partial<TfWebGPUBackend> | null;
  return backend && typeof backend === 'object' && backend.device ? (backend as TfWebGPUBackend) : null;
}

/**
 * The GPU buffer in which TF.js's WebGPU backend holds this tensor, with the work TF.js has recorded so far (which
 * may write it) submitted, and a reference that keeps it TF.js's for as long as the kit reads it; null where the
 * backend does not show it (then `dataToGPU()`'s copy).
 */
function tfjsOwnBuffer(tf: TfLike, backend: TfWebGPUBackend, tensor: TfTensorLike): { buffer: GPUBuffer; release: () => void } | null {
  const resource = tensor.dataId ? backend.tensorMap?.get(tensor.dataId)?.resource : undefined;
  const isBuffer = typeof resource === 'object' && resource !== null && typeof (resource as GPUBuffer).mapAsync === 'function';
  const { ensureCommandEncoderReady, endComputePassEncoder, submitQueue } = backend;
  if (!isBuffer || typeof tensor.clone !== 'function' || !ensureCommandEncoderReady || !endComputePassEncoder || !submitQueue) return null;
  ensureCommandEncoderReady.call(backend);
  endComputePassEncoder.call(backend);
  submitQueue.call(backend);
  const clone = tensor.clone();
  const reference = tf.keep ? tf.keep(clone) : clone;
  return { buffer: resource as GPUBuffer, release: () => reference.dispose() };
}

/**
 * A TF.js tensor on its WebGPU backend (on this device) as a kit tensor. The kit reads TF.js's own buffer (with a
 * reference that keeps it TF.js's until the kit is done): `layout: 'channelsLast'` is a view over it (no kernel, no
 * copy); otherwise one copy kernel makes the kit's layout (NHWC → NCHW for 4-D tensors), and TF.js's reference goes
 * once that kernel is submitted. Where the backend does not show its buffer, `dataToGPU()`'s copy is read instead.
 */
export function fromTfjs(tf: TfLike, device: GPUDevice, tensor: TfTensorLike, options: TfHandOffOptions = {}): Tensor {
  const who = 'fromTfjs';
  if (typeof tensor !== 'object' || tensor === null || typeof tensor.dataToGPU !== 'function') {
    throw new WebGPULayersError('invalid-argument', `${who}: expected a TF.js tensor`);
  }
  if (tensor.dtype !== 'float32') throw new WebGPULayersError('invalid-argument', `${who}: the kit takes float32 tensors, but this one is ${tensor.dtype}`);
  const backend = tfWebGPU(tf);
  if (!backend) throw new WebGPULayersError('invalid-argument', `${who}: TF.js's backend is not WebGPU (tf.setBackend('webgpu') on this device first)`);
  if (backend.device !== device) {
    throw new WebGPULayersError(
      'wrong-device',
      `${who}: TF.js runs on another GPUDevice; register its WebGPU backend with this device (new WebGPUBackend(device))`,
    );
  }
  const nhwc = tensor.shape.length === 4 && (options.layout ?? 'nhwc') === 'nhwc';
  let handed = tfjsOwnBuffer(tf, backend, tensor);
  if (!handed) {
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
    handed = { buffer, release: () => tensorRef.dispose() };
  }
  const { buffer, release } = handed;
  if (tensor.shape.length === 4 && options.layout === 'channelsLast') {
    const [n, h, w, c] = tensor.shape as [number, number, number, number];
    // TF.js may reuse the buffer once its reference goes: when the kit's view (and its views) are done with it.
    return Tensor.fromGPUBuffer(device, buffer, [n, c, h, w], { memoryFormat: 'channelsLast', onRelease: release });
  }
  const view = Tensor.fromGPUBuffer(device, buffer, tensor.shape, { onRelease: release });
  try {
    // One copy kernel into a buffer of the kit's: the permute, or for other layouts the identity permute.
    return nhwc ? permute4d(view, [0, 3, 1, 2]) : copyOf(view);
  } finally {
    // TF.js may reuse its buffer once we let go of it: only after the kit's read of it is submitted.
    view.dispose();
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
 * A kit tensor as a TF.js tensor on its WebGPU backend (on this device), in a buffer of exactly the tensor's bytes
 * (TF.js takes a buffer's size as its data's): for a 4-D tensor permuted into NHWC by one copy kernel, unless it is
 * channelsLast (NHWC memory already: no kernel); then `tf.tensor({ buffer })`, which copies it on the GPU into
 * TF.js's own buffer, or with `zeroCopy` takes the kit's buffer as it is. Waits until the kit's work is submitted
 * first, so TF.js's reads come after the kit's writes.
 */
export async function toTfjs<T>(tf: TfLike<T>, tensor: Tensor, options: TfHandOffOptions = {}): Promise<T> {
  const backend = tfWebGPU(tf);
  if (!backend) throw new WebGPULayersError('invalid-argument', "toTfjs: TF.js's backend is not WebGPU (tf.setBackend('webgpu') on this device first)");
  if (backend.device !== tensor.device) {
    throw new WebGPULayersError(
      'wrong-device',
      "toTfjs: TF.js runs on another GPUDevice; register its WebGPU backend with this tensor's device (new WebGPUBackend(device))",
    );
  }
  if (tensor.dtype !== 'float32') throw new WebGPULayersError('invalid-argument', `toTfjs: TF.js takes float32 tensors here, but this one is ${tensor.dtype}`);
  const lastAsItLies = tensor.memoryFormat === 'channelsLast' && options.layout !== 'same';
  const nhwc = !lastAsItLies && tensor.shape.length === 4 && (options.layout ?? 'nhwc') === 'nhwc';
  const shape = lastAsItLies || nhwc ? [tensor.shape[0]!, ...tensor.shape.slice(2), tensor.shape[1]!] : [...tensor.shape];
  // A buffer of exactly the values, in the order TF.js takes them: the tensor's own, or a kernel's or a copy's.
  const exact = lastAsItLies || (!nhwc && sameAsContiguous(tensor.shape, tensor.memoryFormat)) ? asItLies(tensor) : permuted(tensor, nhwc);
  try {
    await contextOf(tensor.device).batch.whenSubmitted();
    if (!options.zeroCopy) return tf.tensor({ buffer: exact.gpuBuffer.buffer }, shape, 'float32');
    if (exact !== tensor) tensor.disposeWith(exact.reshape(exact.shape));
    return tf.tensor({ buffer: exact.gpuBuffer.buffer, zeroCopy: true }, shape, 'float32');
  } finally {
    // TF.js's copy was submitted inside tf.tensor, so our buffer may go back to the pool.
    if (exact !== tensor) exact.dispose();
  }
}

/** The tensor's memory as it lies in a buffer of exactly its bytes: its own buffer when it is that, else one copy command. */
function asItLies(tensor: Tensor): Tensor {
  const view = tensor.gpuBuffer;
  if (view.byteOffset === 0 && view.buffer.size === view.byteLength) return tensor;
  const exact = Tensor.empty(tensor.device, [view.byteLength / 4], true);
  exact.setWrittenBy(copyBytes(tensor, exact));
  return exact;
}

/** A contiguous tensor's values, permuted into NHWC (`nhwc`) or in their order, in a buffer of exactly their bytes (one kernel). */
function permuted(tensor: Tensor, nhwc: boolean): Tensor {
  const source = sameAsContiguous(tensor.shape, tensor.memoryFormat) ? tensor : tensor.contiguous();
  const flat = nhwc ? null : source.reshape([1, 1, 1, tensor.size]);
  const exact = nhwc ? permute4d(source, [0, 2, 3, 1], true) : permute4d(flat!, [0, 1, 2, 3], true);
  flat?.dispose();
  if (source !== tensor) source.dispose();
  return exact;
}

/** Records a copy of `from`'s bytes into `to` (one copy command, no kernel). */
function copyBytes(from: Tensor, to: Tensor): Promise<void> {
  const view = from.gpuBuffer;
  const batch = contextOf(from.device).batch;
  const check = from.externalCheck;
  if (check) batch.requireBeforeSubmit(check);
  return batch.record({ kind: 'copy', source: view.buffer, sourceOffset: view.byteOffset, destination: to.buffer, size: view.byteLength });
}
