// Batch norm's input gradient, one invocation per element. TRAINING 1 (batch statistics):
// dx = w/σ · (g − Σg/n − x̂·Σg·x̂/n); TRAINING 0 (running statistics): dx = g·w/σ. w = 1 without AFFINE.
// Layout: grad and input (N, C, S) contiguous; stats and sums per channel ([2C]: means then variances; Σ g then
// Σ g·x̂). Bindings: 0 grad, 1 input, 2 stats, 3 sums, 4 weight, 5 output, 6 params.

override TRAINING: u32 = 1;
override AFFINE: u32 = 1;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let c = (index / params.positions) % params.channels;
  let inverseStd = 1.0 / sqrt(stats[params.channels + c] + params.eps);
  var scale = inverseStd;
  if (AFFINE == 1u) { scale = weight[c] * inverseStd; }
  let g = grad[index];
  if (TRAINING == 0u) {
    output[index] = g * scale;
    return;
  }
  let normalized = (input[index] - stats[c]) * inverseStd;
  output[index] = scale * (g - sums[c] / params.count - normalized * sums[params.channels + c] / params.count);
}
