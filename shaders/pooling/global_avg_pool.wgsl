// Global average pooling (output 1×1) of each (n, c) plane, in one of two strategies (STRATEGY, chosen per
// device by autotune, src/device/autotune.ts):
//   0 "workgroup": one workgroup per plane; each invocation sums a strided slice, then a tree reduction in
//     workgroup memory. Real GPUs want this: coalesced reads, many invocations per plane.
//   1 "invocation": one invocation per plane summing it in order, four at a time. Software adapters want this:
//     their workgroup barriers are very slow.
// Layout: input [planes, planeSize] row-major f32, output [planes]. CHANNELS_LAST: input [samples, planeSize,
// channels] (plane = sample · channels + channel), so neighbouring invocations of the invocation strategy read
// neighbouring channels; output [samples, channels]. Bindings: 0 input, 1 output, 2 params; large tensors run in
// pieces of planes (channels last: of samples).
// WORKGROUP_SIZE must be a power of two.

override STRATEGY: u32 = 0;
override CHANNELS_LAST: bool = false;

/** Where a plane's first element is, and the step between its elements. */
fn planeStart(plane: u32) -> vec2u {
  if (CHANNELS_LAST) {
    let sample = plane / params.channels;
    return vec2u(params.inputBase + sample * params.planeSize * params.channels + (plane - sample * params.channels), params.channels);
  }
  return vec2u(params.inputBase + plane * params.planeSize, 1u);
}

var<workgroup> partialSums: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  // Channels last always takes an invocation per plane: neighbouring invocations then read neighbouring channels.
  if (STRATEGY == 1u || CHANNELS_LAST) {
    reducePlane(workgroupIndex(group, groups) * WORKGROUP_SIZE + local);
    return;
  }
  // Depends only on the workgroup, so the barriers below stay in uniform control flow.
  let plane = workgroupIndex(group, groups);
  if (plane >= params.planes) { return; }

  let start = planeStart(plane);
  var sum = 0.0;
  for (var i = local; i < params.planeSize; i += WORKGROUP_SIZE) {
    sum += input[start.x + i * start.y];
  }
  partialSums[local] = sum;
  workgroupBarrier();

  for (var span = WORKGROUP_SIZE / 2u; span > 0u; span /= 2u) {
    if (local < span) {
      partialSums[local] += partialSums[local + span];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    output[params.outputBase + plane] = partialSums[0] / params.divisor;
  }
}

fn reducePlane(plane: u32) {
  if (plane >= params.planes) { return; }
  let start = planeStart(plane);
  let offset = start.x;
  let step = start.y;
  var sums = vec4f(0.0);
  var i = 0u;
  for (; i + 4u <= params.planeSize; i += 4u) {
    let at = offset + i * step;
    sums += vec4f(input[at], input[at + step], input[at + 2u * step], input[at + 3u * step]);
  }
  var sum = (sums.x + sums.y) + (sums.z + sums.w);
  for (; i < params.planeSize; i++) {
    sum += input[offset + i * step];
  }
  output[params.outputBase + plane] = sum / params.divisor;
}
