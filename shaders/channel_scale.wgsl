// y = x · gate, the gate broadcast over each H×W map (the SE block's last step): one invocation per element.
// Layout: x and y [planes, planeSize] f32, gate [planes] (one value per (n, c)).
// Bindings: 0 x, 1 gate, 2 y, 3 params.

struct Params {
  total: u32,           // planes * planeSize
  planeSize: u32,
}

override WORKGROUP_SIZE: u32 = 64;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.x + group.y * groups.x) * WORKGROUP_SIZE + local;
  if (index >= params.total) { return; }
  y[index] = x[index] * gate[index / params.planeSize];
}
