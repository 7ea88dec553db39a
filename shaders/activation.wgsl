// An elementwise activation: one invocation per element. Layout: input and output [total] f32.
// Bindings: 0 input, 1 output, 2 params; large tensors run in pieces (see avg_pool2d.wgsl). ACTIVATION picks the function (activation_functions.wgsl).

struct Params {
  total: u32,
  inputBase: u32,
  outputBase: u32,
}

override WORKGROUP_SIZE: u32 = 64;
override ACTIVATION: u32 = 0;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.x + group.y * groups.x) * WORKGROUP_SIZE + local;
  if (index >= params.total) { return; }
  output[params.outputBase + index] = activate(input[params.inputBase + index], ACTIVATION);
}
