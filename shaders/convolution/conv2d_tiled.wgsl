// Conv2d forward, register-tiled: one invocation computes 4 neighbouring output columns of one output row for 4
// output channels (TILE_CHANNELS 4: a vec4 of channels, when a group's outputs come in fours) or for one channel
// (TILE_CHANNELS 1: depthwise and other small groups), so each loaded input feeds 4 (or 1) channels and each loaded
// weight 4 columns. Neighbouring invocations take neighbouring column tiles (their reads are neighbours). Padding by
// index (padding.wgsl). Layout: input (N, C, H, W), weight (outC, C/groups, kH, kW), output (N, outC, oH, oW).
// Bindings: 0 input, 1 weight, 2 bias, 3 output, 4 params. `total` counts tiles.

override HAS_BIAS: u32 = 1;
override TILE_CHANNELS: u32 = 4;

fn inputAt(plane: u32, ih: i32, ow: u32, kw: u32) -> f32 {
  if (ow >= params.outW) { return 0.0; }
  let iw = sourceIndex(i32(ow * params.strideW + kw * params.dilationW), i32(params.padLeft), i32(params.inW));
  if (iw < 0) { return 0.0; }
  return input[plane + u32(ih) * params.inW + u32(iw)];
}

fn store(n: u32, oc: u32, oh: u32, ow: u32, value: f32) {
  if (ow >= params.outW) { return; }
  var v = value;
  if (HAS_BIAS == 1u) { v += bias[oc]; }
  output[((n * params.outChannels + oc) * params.outH + oh) * params.outW + ow] = v;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let columnTiles = (params.outW + 3u) / 4u;
  let channelTiles = params.outChannels / TILE_CHANNELS;
  let ow0 = (index % columnTiles) * 4u;
  let oh = (index / columnTiles) % params.outH;
  let oc0 = ((index / (columnTiles * params.outH)) % channelTiles) * TILE_CHANNELS;
  let n = index / (columnTiles * params.outH * channelTiles);
  let perGroupIn = params.inChannels / params.groups;
  let group = oc0 / (params.outChannels / params.groups);
  let taps = params.kH * params.kW;
  let weightStride = perGroupIn * taps; // between output channels
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var ic = 0u; ic < perGroupIn; ic++) {
    let plane = (n * params.inChannels + group * perGroupIn + ic) * params.inH * params.inW;
    for (var kh = 0u; kh < params.kH; kh++) {
      let ih = sourceIndex(i32(oh * params.strideH + kh * params.dilationH), i32(params.padTop), i32(params.inH));
      if (ih < 0) { continue; }
      for (var kw = 0u; kw < params.kW; kw++) {
        let tap = (oc0 * perGroupIn + ic) * taps + kh * params.kW + kw;
        var w = vec4f(weight[tap], 0.0, 0.0, 0.0);
        if (TILE_CHANNELS == 4u) {
          w = vec4f(weight[tap], weight[tap + weightStride], weight[tap + 2u * weightStride], weight[tap + 3u * weightStride]);
        }
        acc0 += inputAt(plane, ih, ow0, kw) * w;
        acc1 += inputAt(plane, ih, ow0 + 1u, kw) * w;
        acc2 += inputAt(plane, ih, ow0 + 2u, kw) * w;
        acc3 += inputAt(plane, ih, ow0 + 3u, kw) * w;
      }
    }
  }
  for (var lane = 0u; lane < TILE_CHANNELS; lane++) {
    store(n, oc0 + lane, oh, ow0, acc0[lane]);
    store(n, oc0 + lane, oh, ow0 + 1u, acc1[lane]);
    store(n, oc0 + lane, oh, ow0 + 2u, acc2[lane]);
    store(n, oc0 + lane, oh, ow0 + 3u, acc3[lane]);
  }
}
