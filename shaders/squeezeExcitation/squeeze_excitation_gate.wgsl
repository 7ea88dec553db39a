// The SE block's excitation MLP fused into one dispatch: one workgroup per sample computes
// gate = OUTPUT_ACTIVATION(W2 · HIDDEN_ACTIVATION(W1 · pooled + b1) + b2), the hidden layer kept in
// workgroup memory. With POOL_INPUT the workgroup first pools the sample itself (the "fused" strategy, for small
// maps: the whole excitation in one dispatch), the pooled values kept in workgroup memory too.
// Layout: input [samples, channels] pooled values, or with POOL_INPUT [samples, channels, planeSize] maps;
// w1 [channels, hidden], b1 [hidden], w2 [hidden, outChannels], b2 [outChannels], gate [samples, outChannels]:
// the Linear weights transposed, as nn.Linear uploads them, so neighbouring invocations read neighbouring weights.
// Bindings: 0 input, 1 w1, 2 b1, 3 w2, 4 b2, 5 gate, 6 params. A layer without bias gets a placeholder binding.

/** The hidden layer's workgroup array: the launcher sizes it to the hidden size (workgroupArraySize), ≤ 1024. */
override MAX_HIDDEN: u32 = 1024;
override HIDDEN_ACTIVATION: u32 = 1;
override OUTPUT_ACTIVATION: u32 = 3;
override HAS_HIDDEN_BIAS: bool = false;
override HAS_OUTPUT_BIAS: bool = false;

override POOL_INPUT: bool = false;
/** Channels a workgroup pools into workgroup memory (POOL_INPUT; sized like MAX_HIDDEN); 1 otherwise. */
override MAX_CHANNELS: u32 = 1;

var<workgroup> hiddenValues: array<f32, MAX_HIDDEN>;
var<workgroup> pooledValues: array<f32, MAX_CHANNELS>;

fn pooledAt(sample: u32, c: u32) -> f32 {
  if (POOL_INPUT) { return pooledValues[c]; }
  return input[sample * params.channels + c];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  // Depends only on the workgroup, so the barrier below stays in uniform control flow.
  let sample = workgroupIndex(group, groups);
  if (sample >= params.samples) { return; }

  if (POOL_INPUT) {
    // Each invocation sums whole maps, in order, as the global pool's "invocation" strategy does.
    let maps = sample * params.channels * params.planeSize;
    for (var c = local; c < params.channels; c += WORKGROUP_SIZE) {
      let start = maps + c * params.planeSize;
      var sum = 0.0;
      for (var i = 0u; i < params.planeSize; i++) {
        sum += input[start + i];
      }
      pooledValues[c] = sum / params.divisor;
    }
    workgroupBarrier();
  }

  for (var j = local; j < params.hidden; j += WORKGROUP_SIZE) {
    var sum = 0.0;
    for (var c = 0u; c < params.channels; c++) {
      sum += w1[c * params.hidden + j] * pooledAt(sample, c);
    }
    if (HAS_HIDDEN_BIAS) { sum += b1[j]; }
    hiddenValues[j] = activate(sum, HIDDEN_ACTIVATION);
  }
  workgroupBarrier();

  for (var o = local; o < params.outChannels; o += WORKGROUP_SIZE) {
    var sum = 0.0;
    for (var j = 0u; j < params.hidden; j++) {
      sum += w2[j * params.outChannels + o] * hiddenValues[j];
    }
    if (HAS_OUTPUT_BIAS) { sum += b2[o]; }
    gate[sample * params.outChannels + o] = activate(sum, OUTPUT_ACTIVATION);
  }
}
