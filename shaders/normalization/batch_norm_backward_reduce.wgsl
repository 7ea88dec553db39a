// Batch norm's backward, per channel: Σ g and Σ g·x̂ over (N, S), x̂ = (x − mean)/sqrt(var + eps), with mean and var
// from `stats` ([2C]: means, then variances; the batch's or the running ones). One invocation per channel, nested loops (no loop longer than one
// dim), row sums first. Layout: grad and input (N, C, rows·width) contiguous; sums [2C]: Σ g, then Σ g·x̂.
// Bindings: 0 grad, 1 input, 2 stats, 3 sums, 4 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let c = workItem(id);
  if (c >= params.channels) { return; }
  let positions = params.rows * params.width;
  let mean = stats[c];
  let inverseStd = 1.0 / sqrt(stats[params.channels + c] + params.eps);
  var sumGrad = 0.0;
  var sumGradNormalized = 0.0;
  for (var n = 0u; n < params.batch; n++) {
    for (var r = 0u; r < params.rows; r++) {
      var rowGrad = 0.0;
      var rowGradNormalized = 0.0;
      for (var w = 0u; w < params.width; w++) {
        let index = (n * params.channels + c) * positions + r * params.width + w;
        let g = grad[index];
        rowGrad += g;
        rowGradNormalized += g * (input[index] - mean) * inverseStd;
      }
      sumGrad += rowGrad;
      sumGradNormalized += rowGradNormalized;
    }
  }
  sums[c] = sumGrad;
  sums[params.channels + c] = sumGradNormalized;
}
