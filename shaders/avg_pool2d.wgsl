// avg_pool2d with PyTorch's semantics: one invocation computes OUTPUTS_PER_INVOCATION neighbouring outputs of a row.
// Layout: input [planes, inH, inW], output [planes, outH, outW], both row-major f32 (a plane is one (n, c) map).
// Bindings: 0 input, 1 output, 2 params; a tensor larger than one binding runs in pieces of planes, each
// binding windows of input and output that start inputBase / outputBase elements before its first plane.
// The window is clipped at in+pad for count_include_pad (never the
// ceil-mode overhang), then to the input; divisorOverride 0 means "none" (PyTorch rejects 0 itself).

/** Neighbouring outputs per invocation: 1 suits GPUs; more amortise a software adapter's per-invocation cost. */
override OUTPUTS_PER_INVOCATION: u32 = 1;

/** One output: the window's sum over its divisor (PyTorch's cpu_avg_pool). */
fn pool(plane: u32, oh: i32, ow: i32) -> f32 {
  let paddedH0 = oh * params.strideH - params.padH;
  let paddedW0 = ow * params.strideW - params.padW;
  let paddedH1 = min(paddedH0 + params.kernelH, params.inH + params.padH);
  let paddedW1 = min(paddedW0 + params.kernelW, params.inW + params.padW);
  let h0 = max(paddedH0, 0);
  let w0 = max(paddedW0, 0);
  let h1 = min(paddedH1, params.inH);
  let w1 = min(paddedW1, params.inW);

  var sum = 0.0;
  let planeOffset = params.inputBase + plane * u32(params.inH * params.inW);
  for (var h = h0; h < h1; h++) {
    let rowOffset = planeOffset + u32(h * params.inW);
    for (var w = w0; w < w1; w++) {
      sum += input[rowOffset + u32(w)];
    }
  }

  var divisor = params.divisorOverride;
  if (divisor == 0.0) {
    if (params.countIncludePad != 0u) {
      divisor = f32((paddedH1 - paddedH0) * (paddedW1 - paddedW0));
    } else {
      divisor = f32((h1 - h0) * (w1 - w0));
    }
  }
  // A window wholly in the padding is 0 in PyTorch; it cannot occur while pad <= kernel / 2, but stay exact.
  return select(sum / divisor, 0.0, h0 >= h1 || w0 >= w1);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  // One work item: OUTPUTS_PER_INVOCATION neighbouring outputs of a row. Grids over 65,535 workgroups are
  // folded into 2-D by the launcher.
  let item = workItem(id);
  if (item >= params.total) { return; }
  let itemsPerRow = (u32(params.outW) + OUTPUTS_PER_INVOCATION - 1u) / OUTPUTS_PER_INVOCATION;
  let row = item / itemsPerRow;   // plane * outH + oh
  let plane = row / u32(params.outH);
  let oh = i32(row % u32(params.outH));
  let firstOw = i32((item % itemsPerRow) * OUTPUTS_PER_INVOCATION);
  let lastOw = min(firstOw + i32(OUTPUTS_PER_INVOCATION), params.outW);
  let rowStart = params.outputBase + row * u32(params.outW);
  for (var ow = firstOw; ow < lastOw; ow++) {
    output[rowStart + u32(ow)] = pool(plane, oh, ow);
  }
}
