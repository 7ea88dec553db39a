// The benchmark's compute floor: a plain copy of the input, one vec4 (16 bytes) per invocation — the widest load a
// WGSL kernel has, so no kernel that reads the same bytes can beat it by a narrower access. The floor of a case is the
// faster of this and copyBufferToBuffer (bench/run.mjs). Bindings: 0 input, 1 output, 2 params (total = vec4 count).

struct Params {
  total: u32,
}

@group(0) @binding(0) var<storage, read> input: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> output: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.x + group.y * groups.x) * 64u + local;
  if (index < params.total) {
    output[index] = input[index];
  }
}
