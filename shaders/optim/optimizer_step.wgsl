// One optimizer step for one parameter, elementwise, torch.optim 1.13's single-tensor formulas. ADAM false: SGD
// (weight decay, momentum with dampening, nesterov, maximize); ADAM true: Adam / AdamW (DECOUPLED: p ·= 1 − lr·wd
// first), amsgrad, maximize. The step's scalars come from the host (float64 bias corrections): scalars[0] lr,
// [1] lr / (1 − β1^step), [2] sqrt(1 − β2^step), [3] 1 on a momentum buffer's first step.
// Layout: param, grad, first (momentum / exp_avg), second (exp_avg_sq), third (max_exp_avg_sq) [total] f32.
// Bindings: 0 grad, 1 scalars, 2 param, 3 first, 4 second, 5 third, 6 params.

override ADAM: bool = false;
override DECOUPLED: bool = false;
override AMSGRAD: bool = false;
override MAXIMIZE: bool = false;
override NESTEROV: bool = false;
override MOMENTUM: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let i = workItem(id);
  if (i >= params.total) { return; }
  let lr = scalars[0];
  var g = grad[i];
  if (MAXIMIZE) { g = -g; }
  var p = param[i];
  if (!ADAM) {
    if (params.weightDecay != 0.0) { g = g + params.weightDecay * p; }
    if (MOMENTUM) {
      var buf = g;
      if (scalars[3] == 0.0) { buf = first[i] * params.momentum + params.oneMinusDampening * g; }
      first[i] = buf;
      if (NESTEROV) { g = g + params.momentum * buf; } else { g = buf; }
    }
    param[i] = p + (-lr) * g;
    return;
  }
  if (DECOUPLED) {
    p = p * params.decay;
  } else if (params.weightDecay != 0.0) {
    g = g + params.weightDecay * p;
  }
  let m = first[i] * params.beta1 + params.oneMinusBeta1 * g;
  let v = second[i] * params.beta2 + params.oneMinusBeta2 * g * g;
  first[i] = m;
  second[i] = v;
  var top = v;
  if (AMSGRAD) {
    top = max(third[i], v);
    third[i] = top;
  }
  let denom = sqrt(top) / scalars[2] + params.eps;
  param[i] = p + (-scalars[1]) * (m / denom);
}
