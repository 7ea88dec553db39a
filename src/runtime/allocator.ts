// A caching allocator, like PyTorch's CUDA caching allocator: buffers of disposed tensors, intermediates and
// readback staging go back to free lists keyed by usage and size bucket, and later allocations of the same
// bucket reuse them without `createBuffer`. Callers return a buffer only once every command that may use it
// has been submitted (CommandBatch.releaseAfterSubmit), so queue order makes reuse safe, writeBuffer included.
// Cached bytes above the cap on reserved bytes are evicted, oldest first.
import type { DeviceContext } from './context.js';

export type BufferKind = 'storage' | 'readback';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The default cap on reserved bytes (live + cached): the pool gives back what is over it. */
const DEFAULT_RESERVED_CAP = 512 * MiB;

/** A buffer's size on the device: 16-byte multiples, so kernels reading vec4s find the last partial one inside. */
export const alignedBytes = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

/**
 * The size bucket of a request: 512-byte steps up to 1 MiB, 128 KiB steps above (at most 1/8 wasted), never
 * past the device's maxBufferSize. Close sizes share a bucket, so a new image size often reuses buffers.
 */
function bucketBytes(bytes: number, maxBufferSize: number): number {
  const aligned = alignedBytes(bytes);
  const step = aligned <= MiB ? 512 : 128 * KiB;
  const bucket = Math.ceil(aligned / step) * step;
  return bucket <= maxBufferSize ? bucket : aligned;
}

/** What `memoryStats` reports, in PyTorch's terms (torch.cuda.memory_stats). */
export interface MemoryStats {
  /** Bytes of buffers held by live tensors, intermediates and reads in flight (bucket sizes). */
  allocatedBytes: number;
  /** allocatedBytes plus the bytes cached in the pool, ready for reuse. */
  reservedBytes: number;
  /** Bytes cached in the pool (reserved − allocated). */
  cachedBytes: number;
  peakAllocatedBytes: number;
  peakReservedBytes: number;
  /** The cap on reservedBytes beyond which cached buffers are evicted (`setMemoryCap`). */
  reservedCapBytes: number;
  /** Allocations asked of the allocator, and how many of them the pool served without `createBuffer`. */
  allocations: number;
  poolHits: number;
  /** Buffers returned (to the pool or destroyed). */
  frees: number;
  /** Buffers the allocator created and destroyed on the device (its "segments"). */
  buffersCreated: number;
  buffersDestroyed: number;
  /** Buffers in the pool now. */
  cachedBuffers: number;
  /** Small uniform buffers of kernel parameters, cached per kernel and plan (not in reservedBytes). */
  paramsBytes: number;
}

/** The free buffers of one usage and size, and that usage and size (the lists live as long as the allocator). */
export interface FreeList {
  readonly usage: GPUBufferUsageFlags;
  readonly size: number;
  readonly buffers: GPUBuffer[];
}

/** @internal The caching allocator of one device (docs/architecture.md). */
export class CachingAllocator {
  readonly #context: DeviceContext;
  /** Free buffers by usage and size. */
  readonly #free = new Map<GPUBufferUsageFlags, Map<number, GPUBuffer[]>>();
  /** Every free buffer, oldest first: the eviction order. */
  readonly #freeOrder = new Set<GPUBuffer>();
  /** Each buffer's free list (its usage and size), so a release reads nothing from WebGPU (each read is a call into it). */
  readonly #homes = new WeakMap<GPUBuffer, FreeList>();
  #cap = DEFAULT_RESERVED_CAP;
  readonly stats = {
    allocatedBytes: 0,
    cachedBytes: 0,
    peakAllocatedBytes: 0,
    peakReservedBytes: 0,
    allocations: 0,
    poolHits: 0,
    frees: 0,
    buffersCreated: 0,
    buffersDestroyed: 0,
  };

  constructor(context: DeviceContext) {
    this.#context = context;
  }

  static usage(kind: BufferKind): GPUBufferUsageFlags {
    return kind === 'storage' ? GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST : GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
  }

  /**
   * A buffer of at least `bytes` (in its size bucket), from the pool when one is free. `exact`: exactly `bytes`
   * rounded to 4, for code that takes a buffer's whole size as the data's (TF.js).
   */
  acquire(kind: BufferKind, bytes: number, label: string, exact = false): GPUBuffer {
    return this.acquireFrom(this.freeList(kind, bytes, exact), label);
  }

  /** The free list `acquire(kind, bytes, label, exact)` takes from: a handle to acquire from again without lookups. */
  freeList(kind: BufferKind, bytes: number, exact = false): FreeList {
    const usage = CachingAllocator.usage(kind);
    const size = exact ? Math.max(4, Math.ceil(bytes / 4) * 4) : bucketBytes(bytes, this.#context.limits.maxBufferSize);
    return { usage, size, buffers: this.#freeList(usage, size) };
  }

  /** A buffer of the free list's usage and size: a free one, or a new one. */
  acquireFrom(list: FreeList, label = 'tensor'): GPUBuffer {
    const { usage, size, buffers } = list;
    const stats = this.stats;
    stats.allocations++;
    let buffer = buffers.pop();
    if (buffer) {
      this.#freeOrder.delete(buffer);
      stats.cachedBytes -= size;
      stats.poolHits++;
    } else {
      this.#evictOverCap(size); // make room first, so reserved stays under the cap while live bytes do
      buffer = this.#context.createBuffer({ size, usage, label });
      this.#homes.set(buffer, list);
      stats.buffersCreated++;
    }
    stats.allocatedBytes += size;
    stats.peakAllocatedBytes = Math.max(stats.peakAllocatedBytes, stats.allocatedBytes);
    stats.peakReservedBytes = Math.max(stats.peakReservedBytes, stats.allocatedBytes + stats.cachedBytes);
    return buffer;
  }

  /**
   * Takes back a buffer from `acquire`; every command that may use it must have been submitted. Bound, so it can be
   * handed to `releaseAfterSubmit` as it is.
   */
  readonly release = (buffer: GPUBuffer): void => {
    const { size, buffers } = this.#homes.get(buffer)!;
    const stats = this.stats;
    stats.allocatedBytes -= size;
    stats.frees++;
    if (this.#context.disposed) {
      this.#destroy(buffer);
      return;
    }
    buffers.push(buffer);
    this.#freeOrder.add(buffer);
    stats.cachedBytes += size;
    this.#evictOverCap();
  };

  /** The free buffers of a usage and size (by usage, then size: a lookup builds no string). */
  #freeList(usage: GPUBufferUsageFlags, size: number): GPUBuffer[] {
    let bySize = this.#free.get(usage);
    if (!bySize) this.#free.set(usage, (bySize = new Map()));
    let list = bySize.get(size);
    if (!list) bySize.set(size, (list = []));
    return list;
  }

  get cap(): number {
    return this.#cap;
  }

  set cap(bytes: number) {
    this.#cap = bytes;
    this.#evictOverCap();
  }

  /** Destroys every cached buffer (torch.cuda.empty_cache): reserved falls back to allocated. */
  emptyCache(): void {
    for (const buffer of [...this.#freeOrder]) this.#evict(buffer);
  }

  get cachedBuffers(): number {
    return this.#freeOrder.size;
  }

  /** Evicts cached buffers, oldest first, until reserved + `incoming` bytes fit under the cap (or none is left). */
  #evictOverCap(incoming = 0): void {
    while (this.stats.allocatedBytes + this.stats.cachedBytes + incoming > this.#cap && this.#freeOrder.size > 0) {
      this.#evict(this.#freeOrder.values().next().value!);
    }
  }

  #evict(buffer: GPUBuffer): void {
    const { size, buffers } = this.#homes.get(buffer)!;
    buffers.splice(buffers.indexOf(buffer), 1);
    this.#freeOrder.delete(buffer);
    this.stats.cachedBytes -= size;
    this.#destroy(buffer);
  }

  #destroy(buffer: GPUBuffer): void {
    this.stats.buffersDestroyed++;
    this.#context.destroyBuffer(buffer);
  }
}
