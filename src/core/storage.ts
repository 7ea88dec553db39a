// The GPU buffer behind a tensor and its views, and how it goes back to the pool.
import type { DeviceContext } from '../runtime/context.js';

/**
 * A GPU buffer shared by a tensor and its views: a pooled one, or a caller's (`external`), which the kit never
 * destroys or pools and which may hold the tensor at an offset, unpadded.
 */
export class Storage {
  users = 1;
  readsInFlight = 0;
  constructor(
    readonly context: DeviceContext,
    readonly buffer: GPUBuffer,
    readonly external: { byteOffset: number; checked: Promise<void> } | null = null,
  ) {}

  releaseIfUnused(): void {
    if (this.users === 0 && this.readsInFlight === 0 && !this.external) releaseToPool(this.context, this.buffer);
  }
}

/** Gives a buffer back to its allocator once the commands recorded so far (which may use it) are submitted. */
export function releaseToPool(context: DeviceContext, buffer: GPUBuffer): void {
  context.recorder?.released(buffer);
  context.batch.releaseAfterSubmit(buffer, context.allocator.release);
}

export const RESOLVED = Promise.resolve();
