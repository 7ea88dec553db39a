// A tensor on a GPUDevice (float32, float16 or int32): a shape and a storage buffer. Results of ops are Tensors whose GPU work
// is queued; `toArray()` waits for it and reads back. Views (`reshape`) share the storage, which is
// released when the last tensor using it is disposed and no read of it is in flight.
// Buffers come from the device context's caching allocator and go back to it once every command that may use
// them has been submitted.
import { TorchError, WebGPULayersError, messages } from './errors.js';
import { alignedBytes } from '../runtime/allocator.js';
import { contextOf, type DeviceContext } from '../runtime/context.js';
import type { FromImageOptions } from '../ops/image/plan.js';
import type { ImageSource } from '../ops/image/source.js';
import { registerTensorKind, type CapturedOutput } from '../runtime/capture.js';
import {
  autogradHooks,
  tensorHooks,
  type BackwardOptions,
  type FromArrayOptions,
  type FromGPUBufferOptions,
  type GPUBufferView,
  type GradFn,
  type GradSink,
} from './hooks.js';
import { checkData, checkShape, sameShape } from './shape.js';
import { checkExternalBuffer, checkFits } from './tensorChecks.js';
import { halfBytes, packHalves, unpackHalves } from './half.js';
import { readBytes, RESOLVED, Storage } from './storage.js';
import { checkMemoryFormat, permuteChannels, sameAsContiguous, type MemoryFormat } from './memoryFormat.js';

export type { BackwardOptions, FromArrayOptions, FromGPUBufferOptions, GPUBufferView, GradFn, GradSink } from './hooks.js';

/** A tensor's element type: float32, float16 (stored as packed halves), or int32 (indices, as max pooling returns them). */
export type DType = 'float32' | 'float16' | 'int32';
/** The float dtypes: a plain `Tensor` is either (its `toArray()` gives a Float32Array). */
export type FloatDType = 'float32' | 'float16';
/** Bytes of `size` elements of `dtype` on the device: halves are packed two to a u32 word. */
export const bytesOf = (dtype: DType, size: number) => (dtype === 'float16' ? halfBytes(size) : size * 4);
/** What `toArray()` gives for a dtype. */
export type ArrayOf<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

export class Tensor<D extends DType = FloatDType> {
  readonly device: GPUDevice;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  readonly dtype: D;
  /** How the elements lie in memory: 'contiguous' (row-major in the shape's order), or channels last. */
  readonly memoryFormat: MemoryFormat;
  #storage: Storage | null;
  /** Resolves once the work that writes this tensor has been submitted; rejects if it could not be. */
  #written: Promise<void>;
  #requiresGrad = false;
  #gradFn: GradFn | null = null;
  #gradSink: GradSink | null = null;
  /** The gradient `backward` accumulated into this leaf (PyTorch's `.grad`), or null. Set to null to clear it. */
  grad: Tensor | null = null;
  #readCheck: { run(): Promise<void>; release(): void } | null = null;

  private constructor(
    device: GPUDevice,
    shape: readonly number[],
    storage: Storage,
    written: Promise<void>,
    size = checkShape(shape),
    dtype = 'float32' as D,
    frozen = false,
    memoryFormat: MemoryFormat = 'contiguous',
  ) {
    this.device = device;
    this.dtype = dtype;
    this.memoryFormat = memoryFormat;
    this.shape = frozen ? shape : Object.freeze(shape.slice());
    this.size = size;
    this.#storage = storage;
    this.#written = written;
  }

  /**
   * Uploads `data` (row-major) as a tensor of `shape`: a Float32Array gives a float32 tensor, an Int32Array an
   * int32 one, whose `toArray()` gives an Int32Array. `dtype: 'float16'` (or a platform Float16Array) gives a float16
   * tensor, rounded as torch's `.half()` rounds (nearest even, subnormals kept, overflow to ±Inf, NaN kept).
   * `memoryFormat: 'channelsLast'` ('channelsLast3d'): `data` is in that memory order (N, H, W, C; N, D, H, W, C), the
   * shape stays logical (N, C, H, W), as `x.to(memory_format=torch.channels_last)` lays a torch tensor out.
   */
  static fromArray(device: GPUDevice, data: Int32Array, shape: readonly number[]): Tensor<'int32'>;
  static fromArray(device: GPUDevice, data: ArrayLike<number>, shape: readonly number[], options: FromArrayOptions & { dtype: 'float16' }): Tensor<'float16'>;
  static fromArray(device: GPUDevice, data: Float32Array, shape: readonly number[], options?: FromArrayOptions): Tensor;
  static fromArray(device: GPUDevice, data: Float32Array | Int32Array, shape: readonly number[], options: FromArrayOptions = {}): Tensor<DType> {
    const dtype: DType = data instanceof Int32Array ? 'int32' : options.dtype === 'float16' || isFloat16Array(data) ? 'float16' : 'float32';
    if (options.requiresGrad && dtype === 'int32') throw new TorchError('only Tensors of floating point dtype can require gradients');
    checkData(data, shape, 'Tensor.fromArray: ', true);
    const memoryFormat = checkMemoryFormat(options.memoryFormat ?? 'contiguous', shape);
    if (dtype === 'int32' && memoryFormat !== 'contiguous') throw new TorchError('int32 tensors (indices) are contiguous here');
    const context = contextOf(device);
    context.checkUsable();
    const bytes = bytesOf(dtype, data.length);
    checkFits(context, shape, bytes, dtype);
    const buffer = context.allocator.acquire('storage', bytes, 'tensor');
    context.writeBuffer(buffer, dtype === 'float16' ? packHalves(data) : data);
    const tensor = new Tensor<DType>(device, shape, new Storage(context, buffer), RESOLVED, data.length, dtype, false, memoryFormat);
    tensor.#requiresGrad = options.requiresGrad === true;
    return tensor;
  }

  /**
   * Whether autograd tracks this tensor: a leaf made with `requiresGrad`, or the result of an op recorded in the
   * graph. Only a leaf's flag can be set (PyTorch's rule).
   */
  get requiresGrad(): boolean {
    return this.#requiresGrad || this.#gradFn !== null;
  }

  set requiresGrad(value: boolean) {
    if (this.#gradFn && !value) {
      throw new TorchError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (value && this.dtype === 'int32') throw new TorchError('only Tensors of floating point dtype can require gradients');
    this.#requiresGrad = value;
  }

  /** The graph node that made this tensor (PyTorch's grad_fn: `{ name: 'AddmmBackward0' }`), null for leaves. */
  get gradFn(): GradFn | null {
    return this.#gradFn;
  }

  /** Whether this tensor is a leaf of the graph (no gradFn), as PyTorch's is_leaf. */
  get isLeaf(): boolean {
    return this.#gradFn === null;
  }
  /** @internal Makes this op result a node's output (src/autograd/graph.ts). */
  setGradFn(node: GradFn): void {
    this.#gradFn = node;
  }

  /** @internal Where backward sends this leaf's gradient: itself, or its Parameter (set by nn's Parameter). */
  get gradSink(): GradSink {
    return this.#gradSink ?? this;
  }

  set gradSink(sink: GradSink | null) {
    this.#gradSink = sink;
  }

  /** @internal Adds a gradient from backward (the engine hands over `grad`, which this tensor then owns). */
  accumulateGrad(grad: Tensor): void {
    autogradHooks.accumulate!(this as unknown as Tensor, grad);
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, accumulating into their
   * `grad` (PyTorch's `backward`). `gradient`: d(something)/d(this), of this tensor's shape; omitted only for a
   * one-element tensor. The graph is freed afterwards unless `retainGraph`.
   */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    this.#usableStorage();
    autogradHooks.backward!(this as Tensor, gradient, options);
  }

  /** A new tensor of this one's values in `dtype` ('float32' ⇄ 'float16'; halves rounded to nearest even), on the GPU. */
  to<T extends 'float32' | 'float16'>(dtype: T): Tensor<T> {
    this.#usableStorage();
    return tensorHooks.convert!(this as unknown as Tensor<DType>, dtype) as Tensor<T>;
  }

  /** A view of the same data outside the graph: requires no grad, has no gradFn (PyTorch's detach). */
  detach(): Tensor<D> {
    const storage = this.#usableStorage();
    storage.users++;
    return new Tensor<D>(this.device, this.shape, storage, this.#written, this.size, this.dtype, true, this.memoryFormat);
  }

  /**
   * This tensor in `memoryFormat` (PyTorch's `contiguous(memory_format=...)`): itself as a view when it is already
   * laid out so, else a new tensor (one transpose kernel).
   */
  contiguous(memoryFormat: MemoryFormat = 'contiguous'): Tensor<D> {
    this.#usableStorage();
    checkMemoryFormat(memoryFormat, this.shape);
    if (memoryFormat === this.memoryFormat) return this.reshape(this.shape);
    return tensorHooks.relayout!(this as unknown as Tensor<DType>, memoryFormat) as unknown as Tensor<D>;
  }

  /** A one-element tensor's value, read back (PyTorch's `.item()`). */
  async item(): Promise<number> {
    if (this.size !== 1) throw new TorchError(`a Tensor with ${this.size} elements cannot be converted to Scalar`);
    return (await this.toArray())[0]!;
  }

  /**
   * A tensor over a GPU buffer the caller owns (no copy; the kit never destroys it). Checked before GPU work: STORAGE
   * usage, size, offset alignment, and the device (asynchronously: a `wrong-device` error before anything is
   * submitted). Keep the buffer alive and unchanged while queued work reads it; `toArray()` needs COPY_SRC too.
   * @example const x = Tensor.fromGPUBuffer(device, ortOutput.gpuBuffer, [1, 64, 56, 56]);
   */
  static fromGPUBuffer(device: GPUDevice, buffer: GPUBuffer, shape: readonly number[], options: FromGPUBufferOptions = {}): Tensor {
    const size = checkShape(shape);
    const context = contextOf(device);
    context.checkUsable();
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float16')
      throw new WebGPULayersError('invalid-argument', `Tensor.fromGPUBuffer: dtype must be 'float32' or 'float16', but got ${String(dtype)}`);
    const memoryFormat = checkMemoryFormat(options.memoryFormat ?? 'contiguous', shape);
    const byteOffset = checkExternalBuffer(context, buffer, shape, bytesOf(dtype, size), options.byteOffset ?? 0, dtype);
    const checked = context.checkExternalBuffer(buffer);
    const storage = new Storage(context, buffer, { byteOffset, checked, onRelease: options.onRelease });
    return new Tensor(device, shape, storage, checked, size, dtype, false, memoryFormat);
  }

  /**
   * An image (ImageBitmap, image, canvas, video, VideoFrame, ImageData, or `{ data, width, height }` RGBA bytes) as a
   * (1, 3, H, W) tensor, as torchvision's ToTensor → Resize (bilinear, no antialias) → Normalize; one kernel.
   * @example Tensor.fromImage(device, video, { size: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] })
   */
  static fromImage(device: GPUDevice, source: ImageSource, options: FromImageOptions = {}): Tensor {
    return tensorHooks.loadImage!(device, source, options);
  }

  /**
   * The GPU buffer that holds this tensor, where, and how many bytes, for other code on the device (ORT-web's
   * `Tensor.fromGpuBuffer`, TF.js's `tf.tensor({ buffer })`). Valid until the tensor and its views are disposed (then
   * the kit may reuse it). Wait for the kit's work first (`await synchronize(device)` or `whenSubmitted(device)`).
   */
  get gpuBuffer(): GPUBufferView {
    const storage = this.#usableStorage();
    return { buffer: storage.buffer, byteOffset: storage.external?.byteOffset ?? 0, byteLength: bytesOf(this.dtype, this.size) };
  }

  /** @internal An external tensor's device check, which work on it must await before it is submitted. */
  get externalCheck(): Promise<void> | null {
    return this.#usableStorage().external?.checked ?? null;
  }

  /**
   * @internal An output tensor whose contents the caller's kernels will write. `exact`: its buffer is exactly its
   * bytes (for TF.js, which takes a buffer's size as the data's); kernels reading vec4s must not get such a one.
   */
  static empty(device: GPUDevice, shape: readonly number[], exact?: boolean): Tensor;
  static empty<D extends DType>(device: GPUDevice, shape: readonly number[], exact: boolean, dtype: D, memoryFormat?: MemoryFormat): Tensor<D>;
  static empty(device: GPUDevice, shape: readonly number[], exact = false, dtype: DType = 'float32', memoryFormat: MemoryFormat = 'contiguous'): Tensor<DType> {
    const size = checkShape(shape);
    const context = contextOf(device);
    checkFits(context, shape, bytesOf(dtype, size), dtype);
    const list = context.allocator.freeList('storage', bytesOf(dtype, size), exact);
    const buffer = context.allocator.acquireFrom(list);
    context.recorder?.allocated(buffer, list);
    return new Tensor<DType>(device, shape, new Storage(context, buffer), RESOLVED, size, dtype, false, memoryFormat);
  }

  /** @internal A tensor on a buffer just acquired from the pool, shape checked and frozen (a replayed forward). */
  static onPooledBuffer(context: DeviceContext, buffer: GPUBuffer, output: CapturedOutput, written: Promise<void>): Tensor<DType> {
    const { shape, size, dtype, memoryFormat } = output;
    return new Tensor<DType>(context.device, shape, new Storage(context, buffer), written, size, dtype as DType, true, memoryFormat as MemoryFormat);
  }

  /** @internal The work that writes this tensor (rejects with its failure). */
  get whenWritten(): Promise<void> {
    return this.#written;
  }

  /** @internal Marks the work that writes this tensor, so readers can report its failure. */
  setWrittenBy(work: Promise<void>): void {
    this.#written = work;
  }

  /** @internal A check that a read of this tensor runs too, in the same submit (the loss's target check). */
  setReadCheck(check: { run(): Promise<void>; release(): void }): void {
    this.#readCheck = check;
  }

  /** @internal The buffer of a live tensor in a pooled buffer (not a caller's), else null: what a replayed forward can bind. */
  get replayableBuffer(): GPUBuffer | null {
    const storage = this.#storage;
    return storage && !storage.external ? storage.buffer : null;
  }

  get isDisposed(): boolean {
    return this.#storage === null;
  }

  /** @internal The storage buffer; throws a clear error if the tensor was disposed. */
  get buffer(): GPUBuffer {
    return this.#usableStorage().buffer;
  }

  /**
   * @internal The tensor's bytes as a binding. A pooled buffer is bound to the next 16-byte boundary (its bucket
   * is longer still), so kernels may read the last vec4 whole; a caller's buffer only to the next 4 bytes.
   */
  get binding(): GPUBufferBinding {
    const storage = this.#usableStorage();
    const bytes = bytesOf(this.dtype, this.size);
    if (storage.external) return { buffer: storage.buffer, offset: storage.external.byteOffset, size: Math.max(4, bytes) };
    return { buffer: storage.buffer, offset: 0, size: alignedBytes(bytes) };
  }

  /** Whether `binding` ends on a 16-byte boundary, as kernels that read vec4s need. */
  get #vec4Padded(): boolean {
    const external = this.#usableStorage().external;
    return !external || bytesOf(this.dtype, this.size) % 16 === 0;
  }

  #usableStorage(): Storage {
    if (!this.#storage) throw new WebGPULayersError('disposed', `this tensor [${this.shape.join(', ')}] was disposed and cannot be used`);
    return this.#storage;
  }

  /**
   * A view with another shape of the same data (no copy), like torch's `view`. Dispose it like any tensor;
   * the data lives until the tensor and all its views are disposed. A channels-last tensor keeps its format in a view
   * of its own shape; another shape needs its elements in the logical order (`contiguous()` first).
   */
  reshape(shape: readonly number[]): Tensor<D> {
    const storage = this.#usableStorage();
    if (checkShape(shape) !== this.size) {
      throw new TorchError(messages.invalidView(shape, this.size));
    }
    const same = sameShape(shape, this.shape);
    if (!same && !sameAsContiguous(this.shape, this.memoryFormat)) throw new TorchError(messages.channelsLastView(this.memoryFormat));
    storage.users++;
    const view = new Tensor<D>(this.device, shape, storage, this.#written, this.size, this.dtype, false, same ? this.memoryFormat : 'contiguous');
    if (this.requiresGrad) autogradHooks.recordView?.(this as Tensor, view as Tensor);
    return view;
  }

  /** @internal A view of the same memory as a tensor of `shape` in `memoryFormat` (the caller knows the layout fits). */
  viewAs(shape: readonly number[], memoryFormat: MemoryFormat): Tensor<D> {
    const storage = this.#usableStorage();
    storage.users++;
    return new Tensor<D>(this.device, shape, storage, this.#written, checkShape(shape), this.dtype, false, memoryFormat);
  }

  /** @internal Disposes `other` when this tensor's memory is released (it and all its views disposed). */
  disposeWith(other: Tensor<DType>): void {
    this.#usableStorage().alsoRelease(() => other.dispose());
  }

  /** @internal This tensor padded to 16 bytes (vec4 kernels): itself, or a pooled copy of a caller's odd-sized buffer. */
  padded(this: Tensor): Tensor {
    if (this.#vec4Padded) return this;
    const storage = this.#usableStorage();
    const copy = Tensor.empty(this.device, this.shape, false, this.dtype, this.memoryFormat);
    const batch = storage.context.batch;
    copy.setWrittenBy(
      batch.record({
        kind: 'copy',
        source: storage.buffer,
        sourceOffset: storage.external!.byteOffset,
        destination: copy.buffer,
        size: bytesOf(this.dtype, this.size),
      }),
    );
    batch.requireBeforeSubmit(storage.external!.checked);
    return copy;
  }

  /** Waits for the GPU work that produces this tensor and reads it back, in the logical (contiguous) order. */
  async toArray(): Promise<ArrayOf<D>> {
    const storage = this.#usableStorage();
    contextOf(this.device).checkUsable();
    if (this.size === 0) {
      await Promise.all([this.#written, this.#readCheck?.run()]);
      return (this.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0)) as ArrayOf<D>;
    }
    const bytes = await readBytes(storage, bytesOf(this.dtype, this.size), this.#written, this.#readCheck);
    const values =
      this.dtype === 'int32' ? new Int32Array(bytes) : this.dtype === 'float16' ? unpackHalves(new Uint32Array(bytes), this.size) : new Float32Array(bytes);
    return (sameAsContiguous(this.shape, this.memoryFormat) ? values : permuteChannels(values, this.shape, true)) as ArrayOf<D>;
  }

  /** Releases this tensor's hold on its GPU buffer (freed after any queued work that uses it). Safe to call twice. */
  dispose(): void {
    const storage = this.#storage;
    if (!storage) return;
    this.#storage = null;
    if (this.#gradFn) autogradHooks.dropGradFn?.(this.#gradFn); // PyTorch frees a graph when its last output goes
    this.grad?.dispose(); // a leaf's gradient goes with it
    this.grad = null;
    this.#readCheck?.release();
    storage.users--;
    storage.releaseIfUnused();
  }
}

/** A platform Float16Array (where there is one), which fromArray takes as float16 data. */
function isFloat16Array(data: unknown): boolean {
  const F16 = (globalThis as { Float16Array?: new () => unknown }).Float16Array;
  return F16 !== undefined && data instanceof F16;
}

// A captured forward (src/runtime/capture.ts) sees tensors through this, as the runtime imports no tensor.
registerTensorKind({
  is: (value: unknown): value is Tensor<DType> => value instanceof Tensor,
  onPooledBuffer: (context, buffer, output, written) => Tensor.onPooledBuffer(context, buffer, output, written),
});
