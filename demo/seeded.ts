/** Deterministic values in [lo, hi), so the demo (and its screenshot) look the same on every load. */
export function seededValues(count: number, seed: number, lo: number, hi: number): Float32Array {
  let state = (seed * 2654435761) >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (state / 2 ** 32) * (hi - lo);
  });
}
