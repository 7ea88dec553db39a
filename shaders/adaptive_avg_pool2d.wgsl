// adaptive_avg_pool2d with PyTorch's integer window bounds: one invocation computes one output element.
// Layout: input [planes, inH, inW], output [planes, outH, outW], row-major f32.
// Bindings: 0 input, 1 output, 2 params; large tensors run in pieces of planes (see avg_pool2d.wgsl). Rows [floor(i*in/out), ceil((i+1)*in/out)) feed output row i;
// windows overlap when out > in.

struct Params {
  total: u32,           // planes * outH * outW
  inH: u32, inW: u32,
  outH: u32, outW: u32,
  inputBase: u32,
  outputBase: u32,
}

override WORKGROUP_SIZE: u32 = 64;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// PyTorch's start_index / end_index, in a form that does not overflow u32 for in, out < 65,536.
fn windowStart(i: u32, outSize: u32, inSize: u32) -> u32 {
  return (i / outSize) * inSize + ((i % outSize) * inSize) / outSize;
}

fn windowEnd(i: u32, outSize: u32, inSize: u32) -> u32 {
  return 1u + ((i + 1u) * inSize - 1u) / outSize;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.x + group.y * groups.x) * WORKGROUP_SIZE + local;
  if (index >= params.total) { return; }

  let outPlaneSize = params.outH * params.outW;
  let plane = index / outPlaneSize;
  let within = index % outPlaneSize;
  let oh = within / params.outW;
  let ow = within % params.outW;

  let h0 = windowStart(oh, params.outH, params.inH);
  let h1 = windowEnd(oh, params.outH, params.inH);
  let w0 = windowStart(ow, params.outW, params.inW);
  let w1 = windowEnd(ow, params.outW, params.inW);

  var sum = 0.0;
  let planeOffset = params.inputBase + plane * params.inH * params.inW;
  for (var h = h0; h < h1; h++) {
    let rowOffset = planeOffset + h * params.inW;
    for (var w = w0; w < w1; w++) {
      sum += input[rowOffset + w];
    }
  }
  output[params.outputBase + index] = sum / f32((h1 - h0) * (w1 - w0));
}
