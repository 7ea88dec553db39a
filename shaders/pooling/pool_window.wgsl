// Pooling over fixed windows with PyTorch's semantics, for every rank: 1-D and 2-D pooling run in 3-D with unit
// leading dims (src/ops/pooling/windowPlan.ts). One invocation computes OUTPUTS_PER_INVOCATION neighbouring outputs
// of a row.
//   MODE 0, average: the window clipped at in + pad for count_include_pad (never the ceil-mode overhang), then
//     to the input; divisorOverride 0 means none.
//   MODE 1, max: padding is −∞; the dilated window starts at its first position inside the input; the argmax
//     starts at that position and moves on `value > best || isNan(value)`, so the last NaN wins (PyTorch's CPU
//     kernel). `storeIndex` writes the argmax (flat within the input plane) where the kernel has indices.
//   MODE 2, LP: the average (pad 0) of x^p, times the kernel area, to the power 1/p (torch/nn/functional.py).
// Layout: input [planes, inD, inH, inW], output (and indices) [planes, outD, outH, outW], row-major; CHANNELS_LAST:
// [samples, inD, inH, inW, channels] and [samples, outD, outH, outW, channels], neighbouring invocations on
// neighbouring channels (pieces are then of whole samples; indices stay flat within the plane). Bindings: 0
// input, 1 output, (indices), params; a tensor larger than one binding runs in pieces of planes, each binding
// windows of input and output that start inputBase / outputBase elements before its first plane.
// `Value` and `Index` (src/ops/pooling/kernels.ts) are f32 and i32, or, channels last with channels % 4 == 0, vec4f
// and vec4i: an invocation then pools four neighbouring channels, its bindings hold vec4s, and `channels`,
// inputBase and outputBase count vec4s. Max pooling is branch-free, so the lanes' argmaxes move independently.
// `storeValue(at, value)` writes an output: f32, or, in float16 kernels that write halves, rounded into packed
// halves (an invocation's run then fills whole words).

override MODE: u32 = 0u;
override CHANNELS_LAST: bool = false;

/** The input element at a plane's spatial index (row-major in D, H, W). */
fn inputAt(planeOffset: u32, spatial: u32) -> u32 {
  if (CHANNELS_LAST) { return planeOffset + spatial * params.channels; }
  return planeOffset + spatial;
}

/** The first position of a dilated window inside the input (PyTorch steps over the padding by the dilation). */
fn firstInside(start: i32, dilation: i32) -> i32 {
  if (start >= 0) { return start; }
  return start + ((-start + dilation - 1) / dilation) * dilation;
}

/** 1 when the launcher knows the window is 2-D (kernel depth 1 over a unit depth) with dilation 1: simpler loops. */
override PLANAR_UNDILATED: u32 = 0u;

/** maxPool for PLANAR_UNDILATED windows: the same positions, in the same order, with unit steps. */
fn maxPoolPlanar(planeOffset: u32, o: vec3i, at: u32) {
  let h0 = o.y * params.strideH - params.padH;
  let w0 = o.z * params.strideW - params.padW;
  let h1 = min(h0 + params.kernelH, params.inH);
  let w1 = min(w0 + params.kernelW, params.inW);
  let first = vec2i(max(h0, 0), max(w0, 0));
  var best = Value(negativeInfinity());
  var bestIndex = Index(first.x * params.inW + first.y);
  for (var h = first.x; h < h1; h++) {
    let row = h * params.inW;
    for (var w = first.y; w < w1; w++) {
      let value = input[inputAt(planeOffset, u32(row + w))];
      let wins = (value > best) | isNanValue(value); // branch-free: software adapters run lanes in lockstep
      best = select(best, value, wins);
      bestIndex = select(bestIndex, Index(row + w), wins);
    }
  }
  storeValue(at, best);
  storeIndex(at, bestIndex);
}

fn maxPool(planeOffset: u32, o: vec3i, at: u32) {
  if (PLANAR_UNDILATED == 1u) {
    maxPoolPlanar(planeOffset, o, at);
    return;
  }
  let start = o * vec3i(params.strideD, params.strideH, params.strideW) - vec3i(params.padD, params.padH, params.padW);
  let dilation = vec3i(params.dilationD, params.dilationH, params.dilationW);
  let kernel = vec3i(params.kernelD, params.kernelH, params.kernelW);
  let size = vec3i(params.inD, params.inH, params.inW);
  let end = min(start + (kernel - 1) * dilation + 1, size);
  let first = vec3i(firstInside(start.x, dilation.x), firstInside(start.y, dilation.y), firstInside(start.z, dilation.z));
  var best = Value(negativeInfinity());
  var bestIndex = Index((first.x * size.y + first.y) * size.z + first.z);
  for (var d = first.x; d < end.x; d += dilation.x) {
    for (var h = first.y; h < end.y; h += dilation.y) {
      let row = (d * size.y + h) * size.z;
      for (var w = first.z; w < end.z; w += dilation.z) {
        let value = input[inputAt(planeOffset, u32(row + w))];
        let wins = (value > best) | isNanValue(value);
        best = select(best, value, wins);
        bestIndex = select(bestIndex, Index(row + w), wins);
      }
    }
  }
  storeValue(at, best);
  storeIndex(at, bestIndex);
}

/** averagePool for PLANAR_UNDILATED windows: one window of a 2-D map, the sum over its divisor (PyTorch's cpu_avg_pool). */
fn averagePoolPlanar(planeOffset: u32, o: vec3i, at: u32) {
  let paddedH0 = o.y * params.strideH - params.padH;
  let paddedW0 = o.z * params.strideW - params.padW;
  let paddedH1 = min(paddedH0 + params.kernelH, params.inH + params.padH);
  let paddedW1 = min(paddedW0 + params.kernelW, params.inW + params.padW);
  let h0 = max(paddedH0, 0);
  let w0 = max(paddedW0, 0);
  let h1 = min(paddedH1, params.inH);
  let w1 = min(paddedW1, params.inW);
  var sum = Value(0.0);
  for (var h = h0; h < h1; h++) {
    let row = h * params.inW;
    for (var w = w0; w < w1; w++) {
      sum += input[inputAt(planeOffset, u32(row + w))];
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
  storeValue(at, select(sum / divisor, Value(0.0), h0 >= h1 || w0 >= w1));
}

fn averagePool(planeOffset: u32, o: vec3i, at: u32) {
  if (MODE == 0u && PLANAR_UNDILATED == 1u) {
    averagePoolPlanar(planeOffset, o, at);
    return;
  }
  let size = vec3i(params.inD, params.inH, params.inW);
  let pad = vec3i(params.padD, params.padH, params.padW);
  let paddedStart = o * vec3i(params.strideD, params.strideH, params.strideW) - pad;
  let paddedEnd = min(paddedStart + vec3i(params.kernelD, params.kernelH, params.kernelW), size + pad);
  let first = max(paddedStart, vec3i(0));
  let end = min(paddedEnd, size);
  var sum = Value(0.0);
  for (var d = first.x; d < end.x; d++) {
    for (var h = first.y; h < end.y; h++) {
      let row = (d * size.y + h) * size.z;
      for (var w = first.z; w < end.z; w++) {
        let value = input[inputAt(planeOffset, u32(row + w))];
        if (MODE == 2u) {
          sum += powValue(value, params.normType);
        } else {
          sum += value;
        }
      }
    }
  }
  var divisor = params.divisorOverride;
  if (divisor == 0.0) {
    let counted = select(end - first, paddedEnd - paddedStart, params.countIncludePad != 0u);
    divisor = f32(counted.x * counted.y * counted.z);
  }
  let empty = any(first >= end);
  var result = select(sum / divisor, Value(0.0), empty);
  if (MODE == 2u) {
    // sign(out)·relu(|out|) is out itself (NaN stays NaN).
    result = powValue(result * params.kernelArea, params.inverseNorm);
  }
  storeValue(at, result);
}

/** Neighbouring outputs of a row per invocation: 1 suits GPUs; more amortise a software adapter's per-invocation cost. */
override OUTPUTS_PER_INVOCATION: u32 = 1u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  // Grids over 65,535 workgroups are folded into 2-D by the launcher.
  var item = workItem(id);
  if (item >= params.total) { return; }
  // Channels last: the channel is the fastest part of the item; "plane" below is then the sample.
  var channel = 0u;
  if (CHANNELS_LAST) {
    channel = item % params.channels;
    item = item / params.channels;
  }
  let outW = u32(params.outW);
  let outH = u32(params.outH);
  let itemsPerRow = (outW + OUTPUTS_PER_INVOCATION - 1u) / OUTPUTS_PER_INVOCATION;
  let row = item / itemsPerRow; // (plane · outD + od) · outH + oh
  let firstOw = (item % itemsPerRow) * OUTPUTS_PER_INVOCATION;
  let lastOw = min(firstOw + OUTPUTS_PER_INVOCATION, outW);
  let oh = i32(row % outH);
  let depthRow = row / outH;
  // A planar window has outD = 1: no division for the depth (integer division is slow on software adapters).
  var od = 0;
  var plane = depthRow;
  if (PLANAR_UNDILATED == 0u) {
    od = i32(depthRow % u32(params.outD));
    plane = depthRow / u32(params.outD);
  }
  var planeOffset = params.inputBase + plane * u32(params.inD * params.inH * params.inW);
  if (CHANNELS_LAST) {
    planeOffset = params.inputBase + plane * u32(params.inD * params.inH * params.inW) * params.channels + channel;
  }
  for (var ow = firstOw; ow < lastOw; ow++) {
    var at = params.outputBase + row * outW + ow;
    if (CHANNELS_LAST) {
      at = params.outputBase + (row * outW + ow) * params.channels + channel;
    }
    let o = vec3i(od, oh, i32(ow));
    if (MODE == 1u) {
      maxPool(planeOffset, o, at);
    } else {
      averagePool(planeOffset, o, at);
    }
  }
}
