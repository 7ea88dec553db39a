// y = x · gate, the gate broadcast over each H×W map (the SE block's last step). The grid is 2-D, so no
// invocation divides to find its plane: x runs along a plane, y (folded into z past 65,535) over planes.
// Layout: x and y [planes, planeSize] f32, gate [planes] (one value per (n, c)).
// Bindings: 0 x, 1 gate, 2 y, 3 params; large tensors run in pieces of planes (see avg_pool2d.wgsl): the
// piece's planes start at firstPlane in the gate.

struct Params {
  planes: u32,
  planeSize: u32,
  firstPlane: u32,
  xBase: u32,
  yBase: u32,
}

override WORKGROUP_SIZE: u32 = 64;
/** Consecutive elements per invocation: fewer, longer invocations suit software adapters, one suits GPUs. */
override ELEMENTS_PER_INVOCATION: u32 = 1;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(num_workgroups) groups: vec3u) {
  let plane = group.y + group.z * groups.y;
  if (plane >= params.planes) { return; }
  let scale = gate[params.firstPlane + plane];
  let first = id.x * ELEMENTS_PER_INVOCATION;
  let last = min(first + ELEMENTS_PER_INVOCATION, params.planeSize);
  let offset = plane * params.planeSize;
  for (var i = first; i < last; i++) {
    y[params.yBase + offset + i] = x[params.xBase + offset + i] * scale;
  }
}
