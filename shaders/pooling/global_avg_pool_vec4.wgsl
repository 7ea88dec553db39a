// Global average pooling read four values a load (input bound as vec4s): the "invocation" strategy of
// global_avg_pool.wgsl, summing in the same order, for the layouts whose vec4s line up:
//   contiguous, planeSize % 4 == 0: an invocation per plane, the vec4s along it (lane k sums elements ≡ k mod 4);
//   CHANNELS_LAST, channels % 4 == 0: an invocation per four neighbouring channels of a sample, a vec4 per position;
//     each channel keeps four sums (positions ≡ k mod 4), combined as the plane-per-invocation kernel combines them.
// Float16 input is read as four halves a load (two words; src/runtime/kernel.ts, withHalves).
// Layout: input [planes, planeSize] or [samples, planeSize, channels]; output [planes] (channels last: [samples,
// channels]). Bindings: 0 input, 1 output, 2 params; inputBase (in elements) is a multiple of 4 (the launcher checks).

override CHANNELS_LAST: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let item = workItem(id);
  if (CHANNELS_LAST) {
    poolChannels(item);
  } else {
    poolPlane(item);
  }
}

fn poolPlane(plane: u32) {
  if (plane >= params.planes) { return; }
  let quads = params.planeSize / 4u;
  let offset = params.inputBase / 4u + plane * quads;
  var sums = vec4f(0.0);
  for (var i = 0u; i < quads; i++) {
    sums += input[offset + i];
  }
  output[params.outputBase + plane] = ((sums.x + sums.y) + (sums.z + sums.w)) / params.divisor;
}

fn poolChannels(item: u32) {
  let quads = params.channels / 4u;
  if (item >= params.planes / 4u) { return; }
  let sample = item / quads;
  let step = quads;
  let offset = params.inputBase / 4u + sample * params.planeSize * quads + (item - sample * quads);
  // s0..s3: the sums of positions ≡ 0..3 mod 4, one lane per channel.
  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var s3 = vec4f(0.0);
  var i = 0u;
  for (; i + 4u <= params.planeSize; i += 4u) {
    let at = offset + i * step;
    s0 += input[at];
    s1 += input[at + step];
    s2 += input[at + 2u * step];
    s3 += input[at + 3u * step];
  }
  var sum = (s0 + s1) + (s2 + s3);
  for (; i < params.planeSize; i++) {
    sum += input[offset + i * step];
  }
  let mean = sum / params.divisor;
  let at = params.outputBase + item * 4u;
  output[at] = mean.x;
  output[at + 1u] = mean.y;
  output[at + 2u] = mean.z;
  output[at + 3u] = mean.w;
}
