// A loss's reduction, in one invocation so the order is fixed (the CPU reference's): loss[0] = Σ terms, divided
// under MEAN by the denominator Σ weights (or the term count, without weights), which goes to denominator[0]
// for the backward. Layout: terms / weights [total] f32, loss [1], denominator [1].
// Bindings: 0 terms, 1 weights, 2 loss, 3 denominator, 4 params.

override MEAN: bool = false;
override HAS_WEIGHTS: bool = true;

@compute @workgroup_size(1)
fn main() {
  var sum = 0.0;
  var count = 0.0;
  for (var i = 0u; i < params.total; i++) {
    sum += terms[i];
    if (HAS_WEIGHTS) { count += weights[i]; }
  }
  if (!HAS_WEIGHTS) { count = f32(params.total); }
  denominator[0] = count;
  if (MEAN) { loss[0] = sum / count; } else { loss[0] = sum; }
}
