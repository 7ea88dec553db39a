// y = (x − mean[c]) / sqrt(var[c] + eps) · weight[c] + bias[c], one invocation per element; mean and var from
// `stats` ([2C]: the means, then the variances; the batch's, or a copy of the running ones). AFFINE 0: no weight and bias.
// Layout: input and output (N, C, S) contiguous, or channels last (CHANNELS_LAST: (N, S, C)); stats, weight, bias
// per channel. Bindings: 0 input, 1 stats, 2 weight, 3 bias, 4 output, 5 params.

override CHANNELS_LAST: u32 = 0;
override AFFINE: u32 = 1;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let c = select((index / params.positions) % params.channels, index % params.channels, CHANNELS_LAST == 1u);
  let normalized = (input[index] - stats[c]) / sqrt(stats[params.channels + c] + params.eps);
  if (AFFINE == 1u) {
    output[index] = normalized * weight[c] + bias[c];
  } else {
    output[index] = normalized;
  }
}
