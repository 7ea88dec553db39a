// CrossEntropyLoss per position (PyTorch 1.13's nll(log_softmax) with class weights, ignore_index and label
// smoothing): one invocation per position p = (n, d…) of input (N, C, d…), writing its loss term and its weight
// (what `mean` divides by). PROBABILITIES: target is (N, C, d…) probabilities, term = −Σ_c w_c t'_c log p_c with
// t' = t(1 − ε) + ε/C, weight 1. Otherwise target is int32 class indices (N, d…): an ignored position gives 0 and 0;
// an index outside [0, C) is recorded in `status` (the loss's read then rejects with PyTorch's IndexError).
// Layout: x [N, C, S] f32, target [N, S] i32 or [N, C, S] f32, classWeight [C], terms / weights [P], status [2] i32.
// Bindings: 0 x, 1 targets, 2 classWeight, 3 terms, 4 weights, 5 status, 6 params.

override PROBABILITIES: bool = false;
override HAS_WEIGHT: bool = false;

fn classWeight(c: u32) -> f32 {
  if (HAS_WEIGHT) { return classWeights[c]; }
  return 1.0;
}

/** The log-sum-exp of position (n, s) over the classes, max-shifted. */
fn logSumExp(n: u32, s: u32) -> f32 {
  let base = n * params.classes * params.spatial + s;
  var top = negativeInfinity();
  for (var c = 0u; c < params.classes; c++) { top = max(top, x[base + c * params.spatial]); }
  var sum = 0.0;
  for (var c = 0u; c < params.classes; c++) { sum += exp(x[base + c * params.spatial] - top); }
  return top + log(sum);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let p = workItem(id);
  if (p >= params.positions) { return; }
  let n = p / params.spatial;
  let s = p % params.spatial;
  let base = n * params.classes * params.spatial + s;
  let lse = logSumExp(n, s);
  let eps = params.smoothing;
  let share = eps / f32(params.classes);
  if (PROBABILITIES) {
    var term = 0.0;
    for (var c = 0u; c < params.classes; c++) {
      let t = bitcast<f32>(targets[base + c * params.spatial]) * (1.0 - eps) + share;
      term -= classWeight(c) * t * (x[base + c * params.spatial] - lse);
    }
    terms[p] = term;
    weights[p] = 1.0;
    return;
  }
  let t = bitcast<i32>(targets[p]);
  if (t == params.ignoreIndex) {
    terms[p] = 0.0;
    weights[p] = 0.0;
    return;
  }
  if (t < 0 || u32(t) >= params.classes) {
    status[0] = 1;
    status[1] = t;
    terms[p] = 0.0;
    weights[p] = 0.0;
    return;
  }
  let wt = classWeight(u32(t));
  var smoothed = 0.0;
  if (eps > 0.0) {
    for (var c = 0u; c < params.classes; c++) { smoothed -= classWeight(c) * (x[base + c * params.spatial] - lse); }
  }
  let nll = -wt * (x[base + u32(t) * params.spatial] - lse);
  terms[p] = (1.0 - eps) * nll + share * smoothed;
  weights[p] = wt;
}
