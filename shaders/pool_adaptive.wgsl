// Adaptive pooling in 3-D with PyTorch's integer windows (1-D and 2-D run with unit leading dims,
// src/poolNdPlan.ts): output index i along a dim reads input [floor(i·in/out), ceil((i+1)·in/out)). One
// invocation computes one output element.
//   MODE 0, average. MODE 1, max: the argmax starts at the window's first element and moves on
//   `value > best || isNan(value)` (PyTorch's CPU kernel); `storeIndex` writes it, flat within the input plane,
//   where the kernel has indices.
// The launcher checks in·out < 2³² in each dim, so the window arithmetic stays in u32.
// Layout: input [planes, inD, inH, inW], output (and indices) [planes, outD, outH, outW], row-major.

override MODE: u32 = 0u;

// windowStart / windowEnd: shaders/adaptive_windows.wgsl.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let item = workItem(id);
  if (item >= params.total) { return; }
  let outVolume = params.outD * params.outH * params.outW;
  let plane = item / outVolume;
  let inPlane = item % outVolume;
  let od = inPlane / (params.outH * params.outW);
  let oh = (inPlane / params.outW) % params.outH;
  let ow = inPlane % params.outW;
  let d0 = windowStart(od, params.outD, params.inD);
  let d1 = windowEnd(od, params.outD, params.inD);
  let h0 = windowStart(oh, params.outH, params.inH);
  let h1 = windowEnd(oh, params.outH, params.inH);
  let w0 = windowStart(ow, params.outW, params.inW);
  let w1 = windowEnd(ow, params.outW, params.inW);
  let planeOffset = params.inputBase + plane * params.inD * params.inH * params.inW;
  var sum = 0.0;
  var best = negativeInfinity();
  var bestIndex = (d0 * params.inH + h0) * params.inW + w0;
  for (var d = d0; d < d1; d++) {
    for (var h = h0; h < h1; h++) {
      let row = (d * params.inH + h) * params.inW;
      for (var w = w0; w < w1; w++) {
        let value = input[planeOffset + row + w];
        if (MODE == 1u) {
          if (value > best || isNan(value)) {
            best = value;
            bestIndex = row + w;
          }
        } else {
          sum += value;
        }
      }
    }
  }
  let at = params.outputBase + item;
  if (MODE == 1u) {
    output[at] = best;
    storeIndex(at, i32(bestIndex));
  } else {
    output[at] = sum / f32((d1 - d0) * (h1 - h0) * (w1 - w0));
  }
}
