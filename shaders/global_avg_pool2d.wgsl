// Global average pooling (output 1×1): one workgroup reduces one plane. Each invocation sums a strided
// slice of the map, then a tree reduction in workgroup memory; invocation 0 divides once and writes.
// Layout: input [planes, planeSize] row-major f32, output [planes]. Bindings: 0 input, 1 output, 2 params.
// WORKGROUP_SIZE must be a power of two.

struct Params {
  planes: u32,
  planeSize: u32,       // inH * inW
  divisor: f32,         // inH * inW, or the AvgPool2d divisor of a window covering the whole map
}

override WORKGROUP_SIZE: u32 = 64;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> partialSums: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  // Depends only on the workgroup, so the barriers below stay in uniform control flow.
  let plane = group.x + group.y * groups.x;
  if (plane >= params.planes) { return; }

  let offset = plane * params.planeSize;
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
    output[plane] = partialSums[0] / params.divisor;
  }
}
