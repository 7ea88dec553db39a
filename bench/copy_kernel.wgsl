// The benchmark's compute floor: a plain copy of the input, one element per invocation. Software adapters run
// compute far slower than their copyBufferToBuffer, so this shows what any kernel reading the input costs there.
// Bindings: 0 input, 1 output, 2 params.

struct Params {
  total: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.x + group.y * groups.x) * 64u + local;
  if (index < params.total) {
    output[index] = input[index];
  }
}
