// A float32 tensor on a GPUDevice: a shape and a storage buffer. Results of ops are Tensors whose GPU work
// is queued; `toArray()` waits for it and reads back. Views (`reshape`) share the storage, which is
// released when the last tensor using it is disposed and no read of it is in flight.
// Buffers come from the device context's caching allocator and go back to it once every command that may use
// them has been submitted.
import { TorchError, WebGPULayersError, messages } from './errors.js';
import { alignedBytes } from './gpu/allocator.js';
import { contextOf, type DeviceContext } from './gpu/context.js';
import { checkData, checkShape } from './shape.js';

/** A clear error, before any allocation, for a tensor larger than one buffer of this device can be. */
function checkFits(device: GPUDevice, shape: readonly number[], size: number): void {
  if (size * 4 > device.limits.maxBufferSize) {
    throw new WebGPULayersError(
      'too-large',
      `a float32 tensor of shape [${shape.join(', ')}] needs ${size * 4} bytes, more than this device's maxBufferSize (${device.limits.maxBufferSize} bytes)`,
    );
  }
}

/** A pooled GPU buffer shared by a tensor and its views. */
class Storage {
  users = 1;
  readsInFlight = 0;
  constructor(
    readonly context: DeviceContext,
    readonly buffer: GPUBuffer,
  ) {}

  releaseIfUnused(): void {
    if (this.users === 0 && this.readsInFlight === 0) releaseToPool(this.context, this.buffer);
  }
}

/** Gives a buffer back to its allocator once the commands recorded so far (which may use it) are submitted. */
function releaseToPool(context: DeviceContext, buffer: GPUBuffer): void {
  context.batch.releaseAfterSubmit(buffer, (b) => context.allocator.release(b));
}

const RESOLVED = Promise.resolve();

export class Tensor {
  readonly device: GPUDevice;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  #storage: Storage | null;
  /** Resolves once the work that writes this tensor has been submitted; rejects if it could not be. */
  #written: Promise<void>;

  private constructor(device: GPUDevice, shape: readonly number[], storage: Storage, written: Promise<void>, size = checkShape(shape)) {
    this.device = device;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.#storage = storage;
    this.#written = written;
  }

  /** Uploads `data` (row-major float32) as a tensor of `shape`. */
  static fromArray(device: GPUDevice, data: Float32Array, shape: readonly number[]): Tensor {
    checkData(data, shape, 'Tensor.fromArray: ');
    const context = contextOf(device);
    context.checkUsable();
    checkFits(device, shape, data.length);
    const buffer = context.allocator.acquire('storage', data.byteLength, 'tensor');
    context.writeBuffer(buffer, data);
    return new Tensor(device, shape, new Storage(context, buffer), RESOLVED, data.length);
  }

  /** @internal An output tensor whose contents the caller's kernels will write. */
  static empty(device: GPUDevice, shape: readonly number[]): Tensor {
    const size = checkShape(shape);
    checkFits(device, shape, size);
    const context = contextOf(device);
    const buffer = context.allocator.acquire('storage', size * 4, 'tensor');
    return new Tensor(device, shape, new Storage(context, buffer), RESOLVED, size);
  }

  /** @internal Marks the work that writes this tensor, so readers can report its failure. */
  setWrittenBy(work: Promise<void>): void {
    this.#written = work;
  }

  get isDisposed(): boolean {
    return this.#storage === null;
  }

  /** @internal The storage buffer; throws a clear error if the tensor was disposed. */
  get buffer(): GPUBuffer {
    return this.#usableStorage().buffer;
  }

  /** @internal The tensor's bytes as a binding: its buffer may be larger (a pooled size bucket). */
  get binding(): GPUBufferBinding {
    return { buffer: this.#usableStorage().buffer, offset: 0, size: alignedBytes(this.size * 4) };
  }

  #usableStorage(): Storage {
    if (!this.#storage) throw new WebGPULayersError('disposed', `this tensor [${this.shape.join(', ')}] was disposed and cannot be used`);
    return this.#storage;
  }

  /**
   * A view with another shape of the same data (no copy), like torch's `view`. Dispose it like any tensor;
   * the data lives until the tensor and all its views are disposed.
   */
  reshape(shape: readonly number[]): Tensor {
    const storage = this.#usableStorage();
    if (checkShape(shape) !== this.size) {
      throw new TorchError(messages.invalidView(shape, this.size));
    }
    storage.users++;
    return new Tensor(this.device, shape, storage, this.#written, this.size);
  }

  /** Waits for the GPU work that produces this tensor and reads it back. */
  async toArray(): Promise<Float32Array> {
    const storage = this.#usableStorage();
    const context = contextOf(this.device);
    context.checkUsable();
    if (this.size === 0) {
      await this.#written;
      return new Float32Array(0);
    }
    const bytes = this.size * 4;
    const staging = context.allocator.acquire('readback', bytes, 'readback');
    storage.readsInFlight++;
    try {
      // The copy joins the batch that writes this tensor, so a read costs no extra submit.
      const copied = context.batch.record({ kind: 'copy', source: storage.buffer, destination: staging, size: alignedBytes(bytes) });
      await this.#written;
      await copied;
      await this.#map(context, staging);
      const result = new Float32Array(staging.getMappedRange(0, bytes).slice(0)); // the buffer may be longer (16-byte multiples)
      staging.unmap();
      return result;
    } finally {
      releaseToPool(context, staging);
      storage.readsInFlight--;
      storage.releaseIfUnused();
    }
  }

  /**
   * Maps the staging buffer. A lost or destroyed device rejects a pending mapAsync (AbortError), which is
   * reported as such. (Not a race with `device.lost`: that would add a reaction to it on every read, forever.)
   */
  async #map(context: DeviceContext, staging: GPUBuffer): Promise<void> {
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, alignedBytes(this.size * 4));
    } catch (error) {
      const lost = context.lostReason;
      if (lost || (error as Error).name === 'AbortError') {
        throw new WebGPULayersError('device-lost', `the GPU device was lost while reading a tensor (${lost ?? (error as Error).message})`);
      }
      throw error;
    }
  }

  /** Releases this tensor's hold on its GPU buffer (freed after any queued work that uses it). Safe to call twice. */
  dispose(): void {
    const storage = this.#storage;
    if (!storage) return;
    this.#storage = null;
    storage.users--;
    storage.releaseIfUnused();
  }
}
