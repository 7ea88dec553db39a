// The input gradient of pooling (window and adaptive windows, average and max, every rank as [D, H, W] volumes), as
// a gather: one invocation per input element sums the output gradients of the windows that cover it, in output
// raster order (od, oh, ow ascending: the order of PyTorch's CPU scatter).
// Average (MAX false): each term divided as PyTorch's backward divides it. ADAPTIVE false: the window's divisor
// (divisor_override, else count_include_pad ? the window clipped at in + pad : the in-bounds count), recomputed per
// window as the forward does. ADAPTIVE true: g / kd / kh / kw (1.13's contiguous kernels). Global pools (the 1×1
// mean, a window over the whole volume) take global_pool_backward.wgsl instead.
// Max (MAX true): a window's gradient goes to its argmax only (the forward's indices, flat within the plane), so the
// element takes the terms of the windows whose index is its own; dilated windows cover every dilation-th element.
// Layout: grad and indices [planes, oD, oH, oW], gradInput [planes, D, H, W]. Bindings: 0 grad, 1 indices (i32; a
// placeholder for average pooling), 2 gradInput, 3 params.

override ADAPTIVE: bool = false;
override MAX: bool = false;

// The params by axis (0: D, 1: H, 2: W).
fn pick(axis: u32, d: u32, h: u32, w: u32) -> u32 { return select(select(w, h, axis == 1u), d, axis == 0u); }
fn inSizeOf(axis: u32) -> u32 { return pick(axis, params.inD, params.inH, params.inW); }
fn outSizeOf(axis: u32) -> u32 { return pick(axis, params.outD, params.outH, params.outW); }
fn kernelOf(axis: u32) -> u32 { return pick(axis, params.kernelD, params.kernelH, params.kernelW); }
fn strideOf(axis: u32) -> u32 { return pick(axis, params.strideD, params.strideH, params.strideW); }
fn paddingOf(axis: u32) -> u32 { return pick(axis, params.padD, params.padH, params.padW); }
fn dilationOf(axis: u32) -> u32 { return pick(axis, params.dilationD, params.dilationH, params.dilationW); }

fn windowStart(o: u32, axis: u32) -> i32 {
  return i32(o * strideOf(axis)) - i32(paddingOf(axis));
}

/** Output windows [lo, hi] of one axis that cover input position i (hi < lo: none). */
fn covering(i: u32, axis: u32) -> vec2i {
  let inSize = inSizeOf(axis);
  let outSize = outSizeOf(axis);
  if (ADAPTIVE) {
    return vec2i(i32((i * outSize) / inSize), i32(((i + 1u) * outSize - 1u) / inSize));
  }
  let reach = (kernelOf(axis) - 1u) * dilationOf(axis); // the window spans [o·s − p, o·s − p + reach]
  let s = strideOf(axis);
  let shifted = i + paddingOf(axis);
  var lo = 0i;
  if (shifted > reach) { lo = i32((shifted - reach + s - 1u) / s); }
  let hi = min(i32(shifted / s), i32(outSize) - 1);
  return vec2i(lo, hi);
}

/** A window's [start, end) in the input along one axis, and its padded count (count_include_pad). */
fn window(o: u32, axis: u32) -> vec3i {
  let inSize = i32(inSizeOf(axis));
  if (ADAPTIVE) {
    let outSize = outSizeOf(axis);
    let start = i32((o * u32(inSize)) / outSize);
    let end = i32(((o + 1u) * u32(inSize) + outSize - 1u) / outSize);
    return vec3i(start, end, end - start);
  }
  let paddedStart = windowStart(o, axis);
  let paddedEnd = min(paddedStart + i32(kernelOf(axis)), inSize + i32(paddingOf(axis)));
  return vec3i(max(paddedStart, 0), min(paddedEnd, inSize), paddedEnd - paddedStart);
}

fn term(g: f32, d: vec3i, h: vec3i, w: vec3i) -> f32 {
  if (ADAPTIVE) {
    return g / f32(d.y - d.x) / f32(h.y - h.x) / f32(w.y - w.x);
  }
  if (params.divisorOverride != 0) { return g / f32(params.divisorOverride); }
  if (params.countIncludePad != 0u) { return g / f32(d.z * h.z * w.z); }
  return g / f32((d.y - d.x) * (h.y - h.x) * (w.y - w.x));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  let inVolume = params.inD * params.inH * params.inW;
  if (index >= params.planes * inVolume) { return; }
  let plane = index / inVolume;
  let at = index % inVolume;
  let iw = at % params.inW;
  let ih = (at / params.inW) % params.inH;
  let id_ = at / (params.inW * params.inH);
  let rd = covering(id_, 0u);
  let rh = covering(ih, 1u);
  let rw = covering(iw, 2u);
  let outBase = plane * params.outD * params.outH * params.outW;
  var sum = 0.0;
  if (MAX) {
    for (var od = rd.x; od <= rd.y; od++) {
      for (var oh = rh.x; oh <= rh.y; oh++) {
        for (var ow = rw.x; ow <= rw.y; ow++) {
          let o = outBase + (u32(od) * params.outH + u32(oh)) * params.outW + u32(ow);
          if (indices[o] == i32(at)) { sum += grad[o]; }
        }
      }
    }
    gradInput[index] = sum;
    return;
  }
  for (var od = rd.x; od <= rd.y; od++) {
    let d = window(u32(od), 0u);
    for (var oh = rh.x; oh <= rh.y; oh++) {
      let h = window(u32(oh), 1u);
      for (var ow = rw.x; ow <= rw.y; ow++) {
        let w = window(u32(ow), 2u);
        let o = (u32(od) * params.outH + u32(oh)) * params.outW + u32(ow);
        sum += term(grad[outBase + o], d, h, w);
      }
    }
  }
  gradInput[index] = sum;
}
