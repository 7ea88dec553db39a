// The bench's statistics and its check of a peer's output: plain functions of numbers (the package exports neither).

/** The median of `xs` (the mean of the two middle values for an even count); NaN for none. */
export function median(xs) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The first element outside |a − e| ≤ atol + rtol·|e| (NaN must meet NaN), as torch.testing.assert_close; null if none. */
export function firstMismatch(actual, expected, { atol = 1e-5, rtol = 1e-4 } = {}) {
  if (actual.length !== expected.length) return { index: -1, actual: actual.length, expected: expected.length };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const close = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!close) return { index: i, actual: a, expected: e };
  }
  return null;
}
