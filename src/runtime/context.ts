// One device context per GPUDevice owns everything the kit keeps for that device: compiled pipelines, the
// caching allocator, the parameter and bind-group caches, the kernel strategies, the loop cap, the open GPU
// time measurement and the command batch. It is made on first use of a device (requestDevice() makes it at
// once) and `dispose()` releases all of it. No other module keeps per-device state.
import { WebGPULayersError } from '../core/errors.js';
import { CachingAllocator, type MemoryStats } from './allocator.js';
import { BindGroupCache, ParamsCache } from './caches.js';
import type { ForwardRecorder } from './capture.js';
import { invalidateCaptures } from './captureGeneration.js';
import { CommandBatch } from './commandBatch.js';

/** The timestamp slots of one open `measureGpuTime`. */
export interface Profile {
  querySet: GPUQuerySet;
  /** Timestamp pairs written so far (two slots each). */
  passes: number;
  capacity: number;
}

/** @internal Everything the kit keeps for one GPUDevice (see docs/architecture.md). */
export class DeviceContext {
  readonly device: GPUDevice;
  /** Set once `device.lost` resolves; every later use throws this instead of hanging. */
  lostReason: string | null = null;
  disposed = false;
  /** Compute pipelines by kernel name + override constants, never by shape; in-flight compiles are shared. */
  readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  /** The pipelines whose compile has finished. */
  readonly readyPipelines = new Map<string, GPUComputePipeline>();
  readonly allocator: CachingAllocator;
  readonly params: ParamsCache;
  readonly bindGroups: BindGroupCache;
  readonly batch: CommandBatch;
  /** The strategy each tunable kernel runs on this device (autotune's choice); absent: the default. */
  readonly strategies = new Map<string, string>();
  /** Iterations after which this adapter stops shader loops (Infinity: none, or not probed yet). */
  loopLimit = Infinity;
  loopLimitProbed = false;
  /** The open measureGpuTime, if any: every dispatch recorded meanwhile writes timestamps. */
  profile: Profile | null = null;
  /** The module forward being captured on this device, if any (src/runtime/capture.ts). */
  recorder: ForwardRecorder | null = null;
  /** performance.now() when this context last called queue.submit (the bench's "until submitted"). */
  lastSubmitAt = 0;
  /** GPU objects and work this context has created or recorded (deterministic, so tests may assert them). */
  readonly counts = {
    dispatches: 0,
    submits: 0,
    checkedSubmits: 0,
    buffersCreated: 0,
    bindGroupsCreated: 0,
    writeBuffers: 0,
    readbacks: 0,
    texturesCreated: 0,
  };
  readonly #ids = new WeakMap<GPUBuffer, number>();
  #nextId = 1;
  #placeholder: GPUBuffer | null = null;
  #probeLayout: GPUBindGroupLayout | null = null;
  /** The texture image sources are copied into (Tensor.fromImage), kept while frames keep their size. */
  #imageTexture: GPUTexture | null = null;

  /** The device's limits the kit reads on every op, copied once (reading device.limits calls into WebGPU). */
  readonly limits: Pick<
    GPUSupportedLimits,
    'maxBufferSize' | 'maxStorageBufferBindingSize' | 'minStorageBufferOffsetAlignment' | 'maxComputeWorkgroupsPerDimension'
  >;

  constructor(device: GPUDevice) {
    this.device = device;
    const { maxBufferSize, maxStorageBufferBindingSize, minStorageBufferOffsetAlignment, maxComputeWorkgroupsPerDimension } = device.limits;
    this.limits = { maxBufferSize, maxStorageBufferBindingSize, minStorageBufferOffsetAlignment, maxComputeWorkgroupsPerDimension };
    this.allocator = new CachingAllocator(this);
    this.params = new ParamsCache(this);
    this.bindGroups = new BindGroupCache(this);
    this.batch = new CommandBatch(this);
    device.lost.then((info) => {
      this.lostReason = `the GPU device was lost (${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''})`;
    });
  }

  /** Throws a clear error if this device can no longer run the kit's work. */
  checkUsable(): void {
    if (this.lostReason) throw new WebGPULayersError('device-lost', `${this.lostReason}; request a new device`);
    if (this.disposed)
      throw new WebGPULayersError('disposed', 'the device context was disposed; this device can still be used after it, but not the tensors made before');
  }

  /** A small id per buffer, for cache keys. */
  bufferId(buffer: GPUBuffer): number {
    let id = this.#ids.get(buffer);
    if (id === undefined) this.#ids.set(buffer, (id = this.#nextId++));
    return id;
  }

  createBuffer(descriptor: GPUBufferDescriptor): GPUBuffer {
    this.counts.buffersCreated++;
    return this.device.createBuffer(descriptor);
  }

  createBindGroup(descriptor: GPUBindGroupDescriptor): GPUBindGroup {
    this.counts.bindGroupsCreated++;
    return this.device.createBindGroup(descriptor);
  }

  /** Uploads `data` into `buffer`. A plain copy first: Dawn rejects views of a SharedArrayBuffer (a wasm heap). */
  writeBuffer(buffer: GPUBuffer, data: ArrayBufferView): void {
    if (data.byteLength === 0) return;
    this.recorder?.spoil();
    const source = data.buffer instanceof ArrayBuffer ? data : new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.counts.writeBuffers++;
    this.device.queue.writeBuffer(buffer, 0, source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
  }

  /** Destroys a buffer the kit owns, and forgets the bind groups that bind it. */
  destroyBuffer(buffer: GPUBuffer): void {
    this.bindGroups.forgetBuffer(buffer);
    buffer.destroy();
  }

  /**
   * A 16-byte storage buffer bound where a kernel's optional input is absent (a Linear without bias), so every
   * strategy has the same bindings. Kept for the context's life, not counted as allocated.
   */
  placeholder(): GPUBuffer {
    return (this.#placeholder ??= this.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE, label: 'placeholder' }));
  }

  /**
   * Whether a caller's buffer belongs to this device: WebGPU has no synchronous way to tell, so a bind group is
   * made with it inside an error scope. Resolves, or rejects with a `wrong-device` error.
   */
  checkExternalBuffer(buffer: GPUBuffer): Promise<void> {
    const device = this.device;
    this.#probeLayout ??= device.createBindGroupLayout({
      label: 'external buffer check',
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } }],
    });
    device.pushErrorScope('validation');
    this.createBindGroup({ layout: this.#probeLayout, entries: [{ binding: 0, resource: { buffer, size: 4 } }] });
    const checked = device.popErrorScope().then((error) => {
      if (error) {
        throw new WebGPULayersError(
          'wrong-device',
          `Tensor.fromGPUBuffer: WebGPU rejected the buffer for this device (${error.message.split('\n')[0]}); a buffer must come from the same GPUDevice as the tensors it meets`,
        );
      }
    });
    checked.catch(() => {}); // reported to whoever uses the tensor
    return checked;
  }

  /** An rgba8unorm texture of `width`×`height` for copyExternalImageToTexture: the last one, or a new one. */
  imageTexture(width: number, height: number): GPUTexture {
    const texture = this.#imageTexture;
    if (texture && texture.width === width && texture.height === height) return texture;
    if (texture) this.batch.releaseAfterSubmit(texture, (t) => t.destroy());
    this.counts.texturesCreated++;
    return (this.#imageTexture = this.device.createTexture({
      label: 'image source',
      size: [width, height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC | GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
    }));
  }

  memoryStats(): MemoryStats {
    const s = this.allocator.stats;
    return {
      allocatedBytes: s.allocatedBytes,
      reservedBytes: s.allocatedBytes + s.cachedBytes,
      cachedBytes: s.cachedBytes,
      peakAllocatedBytes: s.peakAllocatedBytes,
      peakReservedBytes: s.peakReservedBytes,
      reservedCapBytes: this.allocator.cap,
      allocations: s.allocations,
      poolHits: s.poolHits,
      frees: s.frees,
      buffersCreated: s.buffersCreated,
      buffersDestroyed: s.buffersDestroyed,
      cachedBuffers: this.allocator.cachedBuffers,
      paramsBytes: this.params.bytes,
    };
  }

  /**
   * Releases everything this context holds: cached buffers, parameter uniforms, pipelines, bind groups and
   * strategies. Tensors still alive keep their buffers until disposed (then destroyed, not pooled). The
   * device itself is the caller's and is not destroyed; using it again with the kit starts a fresh context.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    invalidateCaptures();
    contexts.delete(this.device);
    this.allocator.emptyCache();
    this.params.clear();
    this.bindGroups.clear();
    this.pipelines.clear();
    this.readyPipelines.clear();
    this.strategies.clear();
    this.#placeholder?.destroy();
    this.#placeholder = null;
    this.#imageTexture?.destroy();
    this.#imageTexture = null;
  }
}

const contexts = new WeakMap<GPUDevice, DeviceContext>();

/** The kit's context for `device`, made on first use. */
export function contextOf(device: GPUDevice): DeviceContext {
  let context = contexts.get(device);
  if (!context) contexts.set(device, (context = new DeviceContext(device)));
  return context;
}

/** @internal The kit's context for `device`: its caches, allocator and counters (tests, the bench's raw replay). */
export function deviceContext(device: GPUDevice): DeviceContext {
  return contextOf(device);
}

/**
 * @internal The commands `fn` records on `device`'s command batch, as recorded (they still run): the bench replays a
 * training step's dispatches through the raw API as its floor.
 */
export function recordedCommands(device: GPUDevice, fn: () => void): unknown[] {
  const batch = contextOf(device).batch;
  const original = batch.record;
  const commands: unknown[] = [];
  batch.record = function (this: typeof batch, command: Parameters<typeof original>[0]) {
    commands.push(command);
    return original.call(this, command);
  } as typeof original;
  try {
    fn();
  } finally {
    batch.record = original;
  }
  return commands;
}

/**
 * Releases everything the kit holds for `device` (pipelines, pooled buffers, caches, strategies); the device itself
 * stays usable, and the kit starts afresh on it at the next op. Tensors and modules made before must be made again.
 */
export function releaseDevice(device: GPUDevice): void {
  contexts.get(device)?.dispose();
}

/** Like torch.cuda.memory_stats: allocated (live) and reserved (live + pooled) bytes, peaks and counts. */
export function memoryStats(device: GPUDevice): MemoryStats {
  return contextOf(device).memoryStats();
}

/** Like torch.cuda.empty_cache: destroys the pooled buffers no tensor uses, so reserved falls back to allocated. */
export function emptyCache(device: GPUDevice): void {
  contextOf(device).allocator.emptyCache();
}

/** Like torch.cuda.reset_peak_memory_stats: the peaks start again from the current values. */
export function resetPeakMemoryStats(device: GPUDevice): void {
  const stats = contextOf(device).allocator.stats;
  stats.peakAllocatedBytes = stats.allocatedBytes;
  stats.peakReservedBytes = stats.allocatedBytes + stats.cachedBytes;
}

/** Caps the bytes reserved on `device` (live + pooled): pooled buffers over the cap are destroyed, oldest first. */
export function setMemoryCap(device: GPUDevice, bytes: number): void {
  if (!(bytes >= 0)) throw new WebGPULayersError('invalid-argument', `setMemoryCap: bytes must be a non-negative number, but got ${String(bytes)}`);
  contextOf(device).allocator.cap = bytes;
}

/** Bytes of GPU buffers held by live tensors on `device` (memoryStats(device).allocatedBytes). */
export function liveBytes(device: GPUDevice): number {
  return contextOf(device).allocator.stats.allocatedBytes;
}

/** Number of distinct compute pipelines compiled on `device` (one per kernel strategy, never per shape). */
export function compiledPipelineCount(device: GPUDevice): number {
  return contextOf(device).pipelines.size;
}

/**
 * What the kit has done on `device` so far: live bytes, compiled pipelines, dispatches and submits, and the GPU
 * objects it created (buffers, bind groups) and the `writeBuffer`s it issued. A steady-state forward adds
 * dispatches and a submit, and nothing else.
 */
export function gpuStats(device: GPUDevice) {
  const context = contextOf(device);
  // lastSubmitAt: performance.now() when the kit last returned from queue.submit (the bench's CPU-cost timing).
  return { liveBytes: liveBytes(device), pipelines: context.pipelines.size, lastSubmitAt: context.lastSubmitAt, ...context.counts };
}

/**
 * Resolves when every op recorded on `device` so far has been submitted to its queue (not yet run), or could not
 * be: their results' `toArray()` and `synchronize` report why.
 */
export function whenSubmitted(device: GPUDevice): Promise<void> {
  return contextOf(device).batch.whenSubmitted();
}

/**
 * Resolves when every op queued on `device` so far has run on the GPU (like torch.cuda.synchronize());
 * rejects with the error that stopped queued work, if any.
 */
export function synchronize(device: GPUDevice): Promise<void> {
  return contextOf(device).batch.synchronize();
}
