// expectClose: the reference's worstMismatch at the project's f32 tolerance, as a test assertion.
import { reference } from '../../src/index.js';

/** Throws with `context`, the worst index and its values when `actual` is not within tolerance of `expected`. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, context: string): void {
  const bad = reference.worstMismatch(actual, expected);
  if (!bad) return;
  if (bad.index === -1) throw new Error(`${context}: length ${bad.actual}, expected ${bad.expected}`);
  throw new Error(`${context}: worst mismatch at index ${bad.index}: got ${bad.actual}, expected ${bad.expected}`);
}
