// Adaptive pooling with PyTorch's integer windows, for every rank: 1-D and 2-D pooling run in 3-D with unit
// leading dims (src/ops/pooling/adaptivePlan.ts). Output index i along a dim reads input
// [floor(i·in/out), ceil((i+1)·in/out)); windows overlap when in is not a multiple of out, and when out > in.
// One invocation computes OUTPUTS_PER_INVOCATION neighbouring outputs of a row, which share their depth and rows.
//   MODE 0, average. MODE 1, max: the argmax starts at the window's first element and moves on
//   `value > best || isNan(value)` (PyTorch's CPU kernel); `storeIndex` writes it, flat within the input plane,
//   where the kernel has indices.
// The launcher checks in·out < 2³² in each dim, so the window arithmetic stays in u32.
// Layout: input [planes, inD, inH, inW], output (and indices) [planes, outD, outH, outW], row-major; CHANNELS_LAST
// as in pool_window.wgsl (an item per channel, pieces of whole samples). Bindings, pieces, and `Value` and `Index`
// (four channels an invocation when channels % 4 == 0) and `storeValue` as in pool_window.wgsl.

override MODE: u32 = 0u;
override CHANNELS_LAST: bool = false;
/** 1 when the launcher knows inD = outD = 1 (1-D and 2-D pooling): no depth arithmetic. */
override PLANAR: u32 = 0u;
/** Neighbouring outputs of a row per invocation: 1 suits GPUs; more amortise a software adapter's per-invocation cost. */
override OUTPUTS_PER_INVOCATION: u32 = 1u;

// windowStart / windowEnd: shaders/pooling/adaptive_windows.wgsl.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  var item = workItem(id);
  if (item >= params.total) { return; }
  // Channels last: the channel is the fastest part of the item; "plane" below is then the sample.
  var channel = 0u;
  var step = 1u;
  if (CHANNELS_LAST) {
    channel = item % params.channels;
    item = item / params.channels;
    step = params.channels;
  }
  let itemsPerRow = (params.outW + OUTPUTS_PER_INVOCATION - 1u) / OUTPUTS_PER_INVOCATION;
  let row = item / itemsPerRow; // (plane · outD + od) · outH + oh
  let firstOw = (item % itemsPerRow) * OUTPUTS_PER_INVOCATION;
  let lastOw = min(firstOw + OUTPUTS_PER_INVOCATION, params.outW);
  let oh = row % params.outH;
  let depthRow = row / params.outH;
  var od = 0u;
  var plane = depthRow;
  if (PLANAR == 0u) {
    od = depthRow % params.outD;
    plane = depthRow / params.outD;
  }
  // The depth and rows of the window are shared by the whole run.
  let d0 = windowStart(od, params.outD, params.inD);
  let d1 = windowEnd(od, params.outD, params.inD);
  let h0 = windowStart(oh, params.outH, params.inH);
  let h1 = windowEnd(oh, params.outH, params.inH);
  let planeOffset = params.inputBase + plane * params.inD * params.inH * params.inW * step + channel;
  let outputRow = row * params.outW;
  for (var ow = firstOw; ow < lastOw; ow++) {
    let w0 = windowStart(ow, params.outW, params.inW);
    let w1 = windowEnd(ow, params.outW, params.inW);
    var sum = Value(0.0);
    var best = Value(negativeInfinity());
    var bestIndex = Index(i32((d0 * params.inH + h0) * params.inW + w0));
    for (var d = d0; d < d1; d++) {
      for (var h = h0; h < h1; h++) {
        let inputRow = (d * params.inH + h) * params.inW;
        for (var w = w0; w < w1; w++) {
          let value = input[planeOffset + (inputRow + w) * step];
          if (MODE == 1u) {
            let wins = (value > best) | isNanValue(value);
            best = select(best, value, wins);
            bestIndex = select(bestIndex, Index(i32(inputRow + w)), wins);
          } else {
            sum += value;
          }
        }
      }
    }
    let at = params.outputBase + (outputRow + ow) * step + channel;
    if (MODE == 1u) {
      storeValue(at, best);
      storeIndex(at, bestIndex);
    } else {
      storeValue(at, sum / f32((d1 - d0) * (h1 - h0) * (w1 - w0)));
    }
  }
}
