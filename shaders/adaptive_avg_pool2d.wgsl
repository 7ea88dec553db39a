// adaptive_avg_pool2d with PyTorch's integer window bounds: one invocation computes OUTPUTS_PER_INVOCATION
// neighbouring outputs of a row. Output row i reads input rows [floor(i·in/out), ceil((i+1)·in/out)); windows
// overlap when in is not a multiple of out, and when out > in.
// Layout: input [planes, inH, inW], output [planes, outH, outW], row-major f32.
// Bindings: 0 input, 1 output, 2 params; large tensors run in pieces of planes (see avg_pool2d.wgsl).

/** Neighbouring outputs per invocation: 1 suits GPUs; more amortise a software adapter's per-invocation cost. */
override OUTPUTS_PER_INVOCATION: u32 = 1;

// windowStart / windowEnd: shaders/adaptive_windows.wgsl.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let item = workItem(id);
  if (item >= params.total) { return; }
  let itemsPerRow = (params.outW + OUTPUTS_PER_INVOCATION - 1u) / OUTPUTS_PER_INVOCATION;
  let row = item / itemsPerRow;   // plane * outH + oh
  let plane = row / params.outH;
  let oh = row % params.outH;
  let firstOw = (item % itemsPerRow) * OUTPUTS_PER_INVOCATION;
  let lastOw = min(firstOw + OUTPUTS_PER_INVOCATION, params.outW);

  // The rows of the window are shared by the whole run.
  let h0 = windowStart(oh, params.outH, params.inH);
  let h1 = windowEnd(oh, params.outH, params.inH);
  let planeOffset = params.inputBase + plane * params.inH * params.inW;
  let outputRow = params.outputBase + row * params.outW;
  for (var ow = firstOw; ow < lastOw; ow++) {
    let w0 = windowStart(ow, params.outW, params.inW);
    let w1 = windowEnd(ow, params.outW, params.inW);
    var sum = 0.0;
    for (var h = h0; h < h1; h++) {
      let rowOffset = planeOffset + h * params.inW;
      for (var w = w0; w < w1; w++) {
        sum += input[rowOffset + w];
      }
    }
    output[outputRow + ow] = sum / f32((h1 - h0) * (w1 - w0));
  }
}
