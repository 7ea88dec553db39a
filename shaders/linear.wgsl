// y = activation(x · Wᵀ + b), PyTorch's Linear with an optional fused activation: one invocation per output.
// Layout: x [rows, inFeatures], weight [outFeatures, inFeatures] (PyTorch's layout) or, with
// WEIGHT_TRANSPOSED, [inFeatures, outFeatures] (how nn.Linear uploads it: neighbouring invocations then read
// neighbouring weights), bias [outFeatures], y [rows, outFeatures], all row-major f32.
// Bindings: 0 x, 1 weight, 2 bias, 3 y, 4 params.
// Without a bias, HAS_BIAS is false and binding 2 holds a placeholder.

struct Params {
  total: u32,           // rows * outFeatures
  inFeatures: u32,
  outFeatures: u32,
}

override WORKGROUP_SIZE: u32 = 64;
override ACTIVATION: u32 = 0;
override HAS_BIAS: bool = true;
override WEIGHT_TRANSPOSED: bool = false;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.x + group.y * groups.x) * WORKGROUP_SIZE + local;
  if (index >= params.total) { return; }
  let row = index / params.outFeatures;
  let feature = index % params.outFeatures;

  var sum = 0.0;
  let xOffset = row * params.inFeatures;
  if (WEIGHT_TRANSPOSED) {
    for (var k = 0u; k < params.inFeatures; k++) {
      sum += x[xOffset + k] * weight[k * params.outFeatures + feature];
    }
  } else {
    let wOffset = feature * params.inFeatures;
    for (var k = 0u; k < params.inFeatures; k++) {
      sum += x[xOffset + k] * weight[wOffset + k];
    }
  }
  if (HAS_BIAS) {
    sum += bias[feature];
  }
  y[index] = activate(sum, ACTIVATION);
}
