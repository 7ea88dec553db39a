// A float32 tensor on a GPUDevice: a shape and a storage buffer. Results of ops are Tensors whose GPU work
// is queued; `toArray()` waits for it and reads back.
import { createBuffer, createStorageBuffer } from './gpu/buffers.js';
import { record, releaseAfterSubmit } from './gpu/commandBatch.js';
import { checkDeviceUsable } from './gpu/deviceState.js';

function checkShapeOf(shape: readonly number[]): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new TypeError(`shape must be an array of non-negative integers, but got [${String(shape)}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

export class Tensor {
  readonly device: GPUDevice;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  #buffer: GPUBuffer | null;
  /** Resolves once the work that writes this tensor has been submitted; rejects if it could not be. */
  #written: Promise<void>;
  #readsInFlight = 0;
  /** A disposed tensor's buffer, kept until the reads in flight have copied it. */
  #releaseWhenRead: GPUBuffer | null = null;

  private constructor(device: GPUDevice, shape: readonly number[], buffer: GPUBuffer, written: Promise<void>) {
    this.device = device;
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
    this.#buffer = buffer;
    this.#written = written;
  }

  /** Uploads `data` (row-major float32) as a tensor of `shape`. */
  static fromArray(device: GPUDevice, data: Float32Array, shape: readonly number[]): Tensor {
    const size = checkShapeOf(shape);
    if (!(data instanceof Float32Array)) throw new TypeError('Tensor.fromArray: data must be a Float32Array');
    if (data.length !== size) {
      throw new RangeError(`Tensor.fromArray: data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}`);
    }
    checkDeviceUsable(device);
    return new Tensor(device, shape, createStorageBuffer(device, data, `tensor [${shape.join(',')}]`), Promise.resolve());
  }

  /** @internal An output tensor whose contents the caller's kernels will write. */
  static empty(device: GPUDevice, shape: readonly number[]): Tensor {
    const size = checkShapeOf(shape);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    return new Tensor(device, shape, createBuffer(device, size * 4, usage, `tensor [${shape.join(',')}]`), Promise.resolve());
  }

  /** @internal Marks the work that writes this tensor, so readers can report its failure. */
  setWrittenBy(work: Promise<void>): void {
    this.#written = work;
  }

  get isDisposed(): boolean {
    return this.#buffer === null;
  }

  /** @internal The storage buffer; throws a clear error if the tensor was disposed. */
  get buffer(): GPUBuffer {
    if (!this.#buffer) throw new Error(`webgpu-layers: this tensor [${this.shape.join(', ')}] was disposed and cannot be used`);
    return this.#buffer;
  }

  /** Waits for the GPU work that produces this tensor and reads it back. */
  async toArray(): Promise<Float32Array> {
    const source = this.buffer;
    checkDeviceUsable(this.device);
    if (this.size === 0) {
      await this.#written;
      return new Float32Array(0);
    }
    const bytes = this.size * 4;
    const staging = createBuffer(this.device, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback');
    this.#readsInFlight++;
    try {
      // The copy joins the batch that writes this tensor, so a read costs no extra submit.
      const copied = record(this.device, null, (encoder) => encoder.copyBufferToBuffer(source, 0, staging, 0, bytes));
      await this.#written;
      await copied;
      await Promise.race([staging.mapAsync(GPUMapMode.READ), this.#lost()]);
      const result = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return result;
    } finally {
      releaseAfterSubmit(this.device, staging);
      this.#readsInFlight--;
      if (this.#readsInFlight === 0 && this.#releaseWhenRead) {
        releaseAfterSubmit(this.device, this.#releaseWhenRead);
        this.#releaseWhenRead = null;
      }
    }
  }

  #lost(): Promise<never> {
    return this.device.lost.then((info) => {
      throw new Error(`webgpu-layers: the GPU device was lost while reading a tensor (${info.reason}: ${info.message})`);
    });
  }

  /** Releases the GPU buffer (after any queued work that uses it). Safe to call twice. */
  dispose(): void {
    if (!this.#buffer) return;
    if (this.#readsInFlight > 0) this.#releaseWhenRead = this.#buffer;
    else releaseAfterSubmit(this.device, this.#buffer);
    this.#buffer = null;
  }
}
