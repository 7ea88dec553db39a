// Global average pooling (output 1×1) of each (n, c) plane, in one of two strategies (STRATEGY, chosen per
// device by autotune, src/autotune.ts):
//   0 "workgroup": one workgroup per plane; each invocation sums a strided slice, then a tree reduction in
//     workgroup memory. Real GPUs want this: coalesced reads, many invocations per plane.
//   1 "invocation": one invocation per plane summing it in order, four at a time. Software adapters want this:
//     their workgroup barriers are very slow.
// Layout: input [planes, planeSize] row-major f32, output [planes]. Bindings: 0 input, 1 output, 2 params;
// large tensors run in pieces of planes (see avg_pool2d.wgsl).
// WORKGROUP_SIZE must be a power of two.

override STRATEGY: u32 = 0;

var<workgroup> partialSums: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  if (STRATEGY == 1u) {
    reducePlane(workgroupIndex(group, groups) * WORKGROUP_SIZE + local);
    return;
  }
  // Depends only on the workgroup, so the barriers below stay in uniform control flow.
  let plane = workgroupIndex(group, groups);
  if (plane >= params.planes) { return; }

  let offset = params.inputBase + plane * params.planeSize;
  var sum = 0.0;
  for (var i = local; i < params.planeSize; i += WORKGROUP_SIZE) {
    sum += input[offset + i];
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
  let offset = params.inputBase + plane * params.planeSize;
  var sums = vec4f(0.0);
  var i = 0u;
  for (; i + 4u <= params.planeSize; i += 4u) {
    sums += vec4f(input[offset + i], input[offset + i + 1u], input[offset + i + 2u], input[offset + i + 3u]);
  }
  var sum = (sums.x + sums.y) + (sums.z + sums.w);
  for (; i < params.planeSize; i++) {
    sum += input[offset + i];
  }
  output[params.outputBase + plane] = sum / params.divisor;
}
