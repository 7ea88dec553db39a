// torch.pow with a scalar exponent, shared by LP pooling's forward (pool_window.wgsl) and its backward
// (lp_backward.wgsl); a library, not a kernel.

/** torch.pow(x, p) in f32: its exact exponents, C's rules for negative bases, zeros and infinities. */
fn torchPow(x: f32, p: f32) -> f32 {
  if (p == 1.0) { return x; }
  if (p == 2.0) { return x * x; }
  if (p == 3.0) { return x * x * x; }
  if (p == 0.0) { return 1.0; }
  if (isNan(x)) { return x; }
  if (p == -1.0) { return 1.0 / x; }
  // PyTorch computes ^0.5 and ^-0.5 as sqrt and rsqrt: NaN below zero, −∞ included (C's pow would give +∞ or 0).
  if (p == 0.5 || p == -0.5) {
    if (x < 0.0) { return notANumber(); }
    return select(1.0 / sqrt(x), sqrt(x), p > 0.0);
  }
  let a = abs(x);
  if (isInfinite(p)) {
    if (a == 1.0) { return 1.0; }
    return select(0.0, positiveInfinity(), (a > 1.0) == (p > 0.0));
  }
  if (a == 0.0) { return select(0.0, positiveInfinity(), p < 0.0); }
  if (isInfinite(a)) { return select(0.0, positiveInfinity(), p > 0.0); }
  let magnitude = pow(a, p);
  if (x > 0.0) { return magnitude; }
  // A negative base: NaN unless p is an integer, negative for odd p.
  if (fract(p) != 0.0) { return notANumber(); }
  return select(magnitude, -magnitude, fract(p * 0.5) != 0.0);
}
