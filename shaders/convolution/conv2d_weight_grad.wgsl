// Conv2d's weight gradient: one invocation per weight element (oc, ic, kh, kw) sums g[n, oc, oh, ow] · x at the
// position that tap reads (padding by index), over n, then output rows, then columns (nested loops: none longer than
// one dim). Layout: grad (N, outC, oH, oW), input (N, C, H, W), output = weight (outC, C/groups, kH, kW).
// Bindings: 0 grad, 1 input, 2 output, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let kw = index % params.kW;
  let kh = (index / params.kW) % params.kH;
  let perGroupIn = params.inChannels / params.groups;
  let icg = (index / (params.kW * params.kH)) % perGroupIn;
  let oc = index / (params.kW * params.kH * perGroupIn);
  let ic = (oc / (params.outChannels / params.groups)) * perGroupIn + icg;
  var sum = 0.0;
  for (var n = 0u; n < params.batch; n++) {
    let plane = (n * params.inChannels + ic) * params.inH * params.inW;
    let gradPlane = (n * params.outChannels + oc) * params.outH * params.outW;
    for (var oh = 0u; oh < params.outH; oh++) {
      let ih = sourceIndex(i32(oh * params.strideH + kh * params.dilationH), i32(params.padTop), i32(params.inH));
      if (ih < 0) { continue; }
      var row = 0.0;
      for (var ow = 0u; ow < params.outW; ow++) {
        let iw = sourceIndex(i32(ow * params.strideW + kw * params.dilationW), i32(params.padLeft), i32(params.inW));
        if (iw < 0) { continue; }
        row += grad[gradPlane + oh * params.outW + ow] * input[plane + u32(ih) * params.inW + u32(iw)];
      }
      sum += row;
    }
  }
  output[index] = sum;
}
