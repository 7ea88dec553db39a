// y = activation(x · Wᵀ + b), PyTorch's Linear with an optional fused activation. One invocation computes
// one output feature for ROWS_PER_INVOCATION consecutive rows, so each weight it loads serves all of them
// (1 suits GPUs; more suits software adapters: autotune chooses).
// Layout: x [rows, inFeatures], weight [outFeatures, inFeatures] (PyTorch's layout) or, with
// WEIGHT_TRANSPOSED, [inFeatures, outFeatures] (how nn.Linear uploads it: neighbouring invocations then read
// neighbouring weights), bias [outFeatures], y [rows, outFeatures], all row-major f32.
// Bindings: 0 x, 1 weight, 2 bias, 3 y, 4 params. Without a bias, HAS_BIAS is false and binding 2 is a placeholder.

struct Params {
  rows: u32,
  inFeatures: u32,
  outFeatures: u32,
}

const MAX_ROWS_PER_INVOCATION = 8u;

override WORKGROUP_SIZE: u32 = 64;
override ACTIVATION: u32 = 0;
override HAS_BIAS: bool = true;
override WEIGHT_TRANSPOSED: bool = false;
override ROWS_PER_INVOCATION: u32 = 1;   // at most MAX_ROWS_PER_INVOCATION

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn weightAt(feature: u32, k: u32) -> f32 {
  if (WEIGHT_TRANSPOSED) {
    return weight[k * params.outFeatures + feature];
  }
  return weight[feature * params.inFeatures + k];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(num_workgroups) groups: vec3u) {
  // x runs over features, y (folded into z past 65,535) over blocks of rows.
  let feature = id.x;
  let firstRow = (group.y + group.z * groups.y) * ROWS_PER_INVOCATION;
  if (feature >= params.outFeatures || firstRow >= params.rows) { return; }
  let rowCount = min(ROWS_PER_INVOCATION, params.rows - firstRow);

  var sums: array<f32, MAX_ROWS_PER_INVOCATION>;
  for (var k = 0u; k < params.inFeatures; k++) {
    let w = weightAt(feature, k);
    for (var r = 0u; r < rowCount; r++) {
      sums[r] += x[(firstRow + r) * params.inFeatures + k] * w;
    }
  }
  for (var r = 0u; r < rowCount; r++) {
    var sum = sums[r];
    if (HAS_BIAS) {
      sum += bias[feature];
    }
    y[(firstRow + r) * params.outFeatures + feature] = activate(sum, ACTIVATION);
  }
}
