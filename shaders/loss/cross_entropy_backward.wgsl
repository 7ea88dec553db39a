// CrossEntropyLoss's input gradient: one invocation per element (n, c, s) of input (N, C, d…). With q = softmax:
// class indices: scale · ((1 − ε) w_t (q_c − [c = t]) + ε/C (q_c Σ_c' w_c' − w_c)), 0 at ignored positions;
// probabilities: scale · (q_c Σ_c' w_c' t'_c' − w_c t'_c). scale: the output gradient (per position under
// reduction 'none'), divided by `denominator` under 'mean' (Σ weights, or the position count).
// Layout as cross_entropy.wgsl; grad [P] (none) or [1]; denominator [1]. Bindings: 0 x, 1 targets, 2 classWeight,
// 3 grad, 4 denominator, 5 gradInput, 6 params.

override PROBABILITIES: bool = false;
override HAS_WEIGHT: bool = false;
override PER_POSITION: bool = false;
override MEAN: bool = false;

fn classWeight(c: u32) -> f32 {
  if (HAS_WEIGHT) { return classWeights[c]; }
  return 1.0;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.positions * params.classes) { return; }
  let s = index % params.spatial;
  let c = (index / params.spatial) % params.classes;
  let n = index / (params.spatial * params.classes);
  let p = n * params.spatial + s;
  let base = n * params.classes * params.spatial + s;
  var top = negativeInfinity();
  for (var k = 0u; k < params.classes; k++) { top = max(top, x[base + k * params.spatial]); }
  var sum = 0.0;
  for (var k = 0u; k < params.classes; k++) { sum += exp(x[base + k * params.spatial] - top); }
  let q = exp(x[index] - top) / sum;
  var scale = grad[0];
  if (PER_POSITION) { scale = grad[p]; }
  if (MEAN) { scale = scale / denominator[0]; }
  let eps = params.smoothing;
  let share = eps / f32(params.classes);
  if (PROBABILITIES) {
    var weighted = 0.0;
    for (var k = 0u; k < params.classes; k++) {
      weighted += classWeight(k) * (bitcast<f32>(targets[base + k * params.spatial]) * (1.0 - eps) + share);
    }
    let t = bitcast<f32>(targets[index]) * (1.0 - eps) + share;
    gradInput[index] = scale * (q * weighted - classWeight(c) * t);
    return;
  }
  let t = bitcast<i32>(targets[p]);
  if (t == params.ignoreIndex || t < 0 || u32(t) >= params.classes) {
    gradInput[index] = 0.0;
    return;
  }
  var g = (1.0 - eps) * classWeight(u32(t)) * (q - select(0.0, 1.0, u32(t) == c));
  if (eps > 0.0) {
    var total = 0.0;
    for (var k = 0u; k < params.classes; k++) { total += classWeight(k); }
    g += share * (q * total - classWeight(c));
  }
  gradInput[index] = scale * g;
}
