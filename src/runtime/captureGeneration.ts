// The generation of captured forwards (src/runtime/capture.ts): a capture replays only while nothing that changes
// what a forward records has happened since it was made. Its own module, so that what invalidates captures (the
// context, caches, strategies, loop cap) need not load the capture itself.
let generation = 0;

/**
 * Called where something changes what a forward records: a kernel strategy or the loop cap, a parameter's
 * upload or disposal, a module's disposal, a parameter uniform's eviction, a context's disposal.
 */
export function invalidateCaptures(): void {
  generation++;
}

/** The current generation: a capture made in an older one no longer applies. */
export function captureGeneration(): number {
  return generation;
}
