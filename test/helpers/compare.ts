// Float comparison with the project's f32 tolerance, |a − e| ≤ 1e-5 + 1e-4·|e|, that names the worst index.

export const ABS_TOLERANCE = 1e-5;
export const REL_TOLERANCE = 1e-4;

export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
}

/** The worst element outside the tolerance (NaN must match NaN), or null when all are within it. */
export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): Mismatch | null {
  if (actual.length !== expected.length) return { index: -1, actual: actual.length, expected: expected.length };
  let worst: Mismatch | null = null;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return { index: i, actual: a, expected: e };
      continue;
    }
    if (a === e) continue; // also equal infinities
    const excess = Math.abs(a - e) - (ABS_TOLERANCE + REL_TOLERANCE * Math.abs(e));
    if (!(excess <= 0) && (worst === null || excess > worstExcess)) {
      worst = { index: i, actual: a, expected: e };
      worstExcess = excess;
    }
  }
  return worst;
}

/** Largest |a − e| over the elements (NaN pairs skipped), for reports. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > max) max = d;
  }
  return max;
}

/** Throws with `context`, the worst index and its values when `actual` is not within tolerance of `expected`. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, context: string): void {
  const bad = worstMismatch(actual, expected);
  if (!bad) return;
  if (bad.index === -1) throw new Error(`${context}: length ${bad.actual}, expected ${bad.expected}`);
  throw new Error(`${context}: worst mismatch at index ${bad.index}: got ${bad.actual}, expected ${bad.expected}`);
}
