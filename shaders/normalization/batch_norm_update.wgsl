// The running statistics' update, one invocation per channel: running_mean ← (1 − m)·running_mean + m·mean,
// running_var ← (1 − m)·running_var + m·var·n/(n − 1) (the unbiased batch variance), in place.
// Layout: stats [2C] (means, then biased variances); runningMean, runningVar [C]. Bindings: 0 stats,
// 1 runningMean, 2 runningVar, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let c = workItem(id);
  if (c >= params.channels) { return; }
  let m = params.momentum;
  runningMean[c] = (1.0 - m) * runningMean[c] + m * stats[c];
  runningVar[c] = (1.0 - m) * runningVar[c] + m * stats[params.channels + c] * params.unbiasFactor;
}
