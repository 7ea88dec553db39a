// Comparing a result with its expected values at the project's f32 tolerance, |a − e| ≤ atol + rtol·|e|.

export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
}

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/**
 * The element furthest outside the tolerance (NaN must meet NaN), or null when all are within it;
 * index −1 when the lengths differ. Default tolerance: atol 1e-5, rtol 1e-4.
 */
export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4 }: Tolerance = {}): Mismatch | null {
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
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
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
