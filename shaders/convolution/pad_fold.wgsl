// The padding modes' backward: each input element sums the padded positions that read it (its own, and the margin
// positions the mode maps onto it: reflections, replicated edges, wrapped copies), in row-major order.
// Layout: padded (N, C, H + padTop + padBottom, W + padLeft + padRight), output (N, C, H, W).
// Bindings: 0 padded, 1 output, 2 params.

/** The r-th padded row (or column) that may read input index i: its own, then the margins in order. */
fn candidate(r: u32, i: u32, before: u32, size: u32) -> u32 {
  if (r == 0u) { return i + before; }
  if (r - 1u < before) { return r - 1u; }
  return size + before + (r - 1u - before);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let iw = index % params.inW;
  let ih = (index / params.inW) % params.inH;
  let plane = index / (params.inW * params.inH);
  let paddedH = params.inH + params.padTop + params.padBottom;
  let paddedW = params.inW + params.padLeft + params.padRight;
  var sum = 0.0;
  for (var r = 0u; r < 1u + params.padTop + params.padBottom; r++) {
    let ph = candidate(r, ih, params.padTop, params.inH);
    if (r > 0u && sourceIndex(i32(ph), i32(params.padTop), i32(params.inH)) != i32(ih)) { continue; }
    for (var c = 0u; c < 1u + params.padLeft + params.padRight; c++) {
      let pw = candidate(c, iw, params.padLeft, params.inW);
      if (c > 0u && sourceIndex(i32(pw), i32(params.padLeft), i32(params.inW)) != i32(iw)) { continue; }
      sum += padded[(plane * paddedH + ph) * paddedW + pw];
    }
  }
  output[index] = sum;
}
