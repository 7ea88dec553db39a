// The GPU buffer behind a tensor and its views, and how it goes back to the pool.
import { alignedBytes } from '../runtime/allocator.js';
import type { DeviceContext } from '../runtime/context.js';
import { WebGPULayersError } from './errors.js';
import { mapForRead } from './tensorChecks.js';

/**
 * A GPU buffer shared by a tensor and its views: a pooled one, or a caller's (`external`), which the kit never
 * destroys or pools and which may hold the tensor at an offset, unpadded.
 */
export class Storage {
  users = 1;
  readsInFlight = 0;
  /** What goes with this storage when it is released (a buffer lent to another library for as long as this one lives). */
  #alsoRelease: (() => void)[] = [];
  constructor(
    readonly context: DeviceContext,
    readonly buffer: GPUBuffer,
    readonly external: { byteOffset: number; checked: Promise<void>; onRelease?: () => void } | null = null,
  ) {}

  /** Runs `release` when this storage is released (once the work recorded until then is submitted). */
  alsoRelease(release: () => void): void {
    this.#alsoRelease.push(release);
  }

  releaseIfUnused(): void {
    if (this.users !== 0 || this.readsInFlight !== 0) return;
    for (const release of this.#alsoRelease.splice(0)) this.context.batch.whenSubmitted().then(release, release);
    if (!this.external) releaseToPool(this.context, this.buffer);
    else if (this.external.onRelease) {
      // The owner's buffer is theirs again once the work recorded so far (which may read it) is submitted.
      const release = this.external.onRelease;
      this.external.onRelease = undefined;
      this.context.batch.whenSubmitted().then(release, release);
    }
  }
}

/** Gives a buffer back to its allocator once the commands recorded so far (which may use it) are submitted. */
export function releaseToPool(context: DeviceContext, buffer: GPUBuffer): void {
  context.recorder?.released(buffer);
  context.batch.releaseAfterSubmit(buffer, context.allocator.release);
}

export const RESOLVED = Promise.resolve();

/**
 * Reads `bytes` of a storage back once the work that writes it (`written`) and a read check are done: one copy into a
 * staging buffer, recorded into the batch that writes it (no extra submit).
 */
export async function readBytes(storage: Storage, bytes: number, written: Promise<void>, readCheck: { run(): Promise<void> } | null): Promise<ArrayBuffer> {
  const context = storage.context;
  const staging = context.allocator.acquire('readback', bytes, 'readback');
  storage.readsInFlight++;
  try {
    if (storage.external && !(storage.buffer.usage & GPUBufferUsage.COPY_SRC)) {
      throw new WebGPULayersError(
        'invalid-argument',
        `toArray(): this tensor's buffer (from Tensor.fromGPUBuffer) has no COPY_SRC usage, so it cannot be read back`,
      );
    }
    if (storage.external) await storage.external.checked;
    context.counts.readbacks++;
    const copied = context.batch.record({
      kind: 'copy',
      source: storage.buffer,
      sourceOffset: storage.external?.byteOffset ?? 0,
      destination: staging,
      size: storage.external ? bytes : alignedBytes(bytes), // a caller's buffer may end right after the tensor
    });
    const checked = readCheck?.run();
    await written;
    await copied;
    await checked;
    await mapForRead(context, staging, alignedBytes(bytes));
    const result = staging.getMappedRange(0, bytes).slice(0); // the buffer may be longer (16-byte multiples)
    staging.unmap();
    return result;
  } finally {
    releaseToPool(context, staging);
    storage.readsInFlight--;
    storage.releaseIfUnused();
  }
}
