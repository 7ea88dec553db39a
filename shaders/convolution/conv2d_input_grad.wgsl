// Conv2d's input gradient as a gather (a transposed convolution): one invocation per position of a grid over the
// padded input — rows gridTop.., columns gridLeft.. of it — sums g[n, oc, oh, ow] · w[oc, ic, kh, kw] over its group's
// output channels and the taps that read it (oh·s + kh·d = p). Zeros padding: the grid is the input itself; other
// modes: the whole padded input, folded back after (pad_fold.wgsl). Layout: grad (N, outC, oH, oW), weight (outC,
// C/groups, kH, kW), output (N, C, gridH, gridW). Bindings: 0 grad, 1 weight, 2 output, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let gw = index % params.gridW;
  let gh = (index / params.gridW) % params.gridH;
  let ic = (index / (params.gridW * params.gridH)) % params.inChannels;
  let n = index / (params.gridW * params.gridH * params.inChannels);
  let ph = gh + params.gridTop;
  let pw = gw + params.gridLeft;
  let perGroupIn = params.inChannels / params.groups;
  let perGroupOut = params.outChannels / params.groups;
  let group = ic / perGroupIn;
  let icg = ic % perGroupIn;
  var sum = 0.0;
  for (var j = 0u; j < perGroupOut; j++) {
    let oc = group * perGroupOut + j;
    let gradPlane = (n * params.outChannels + oc) * params.outH * params.outW;
    for (var kh = 0u; kh < params.kH; kh++) {
      let th = i32(ph) - i32(kh * params.dilationH);
      if (th < 0 || th % i32(params.strideH) != 0) { continue; }
      let oh = u32(th) / params.strideH;
      if (oh >= params.outH) { continue; }
      for (var kw = 0u; kw < params.kW; kw++) {
        let tw = i32(pw) - i32(kw * params.dilationW);
        if (tw < 0 || tw % i32(params.strideW) != 0) { continue; }
        let ow = u32(tw) / params.strideW;
        if (ow >= params.outW) { continue; }
        sum += grad[gradPlane + oh * params.outW + ow] * weight[((oc * perGroupIn + icg) * params.kH + kh) * params.kW + kw];
      }
    }
  }
  output[index] = sum;
}
