// Conv2d forward, direct: one invocation per output element (n, oc, oh, ow) sums its group's input channels × kernel
// taps, padding applied by index (padding.wgsl), then the bias (HAS_BIAS). Layout: input (N, C, H, W), weight
// (outC, C/groups, kH, kW), output (N, outC, oH, oW), contiguous. Bindings: 0 input, 1 weight, 2 bias, 3 output, 4 params.

override HAS_BIAS: u32 = 1;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let ow = index % params.outW;
  let oh = (index / params.outW) % params.outH;
  let oc = (index / (params.outW * params.outH)) % params.outChannels;
  let n = index / (params.outW * params.outH * params.outChannels);
  let perGroupIn = params.inChannels / params.groups;
  let group = oc / (params.outChannels / params.groups);
  var sum = 0.0;
  for (var ic = 0u; ic < perGroupIn; ic++) {
    let plane = (n * params.inChannels + group * perGroupIn + ic) * params.inH * params.inW;
    for (var kh = 0u; kh < params.kH; kh++) {
      let ih = sourceIndex(i32(oh * params.strideH + kh * params.dilationH), i32(params.padTop), i32(params.inH));
      if (ih < 0) { continue; }
      for (var kw = 0u; kw < params.kW; kw++) {
        let iw = sourceIndex(i32(ow * params.strideW + kw * params.dilationW), i32(params.padLeft), i32(params.inW));
        if (iw < 0) { continue; }
        sum += input[plane + u32(ih) * params.inW + u32(iw)] * weight[((oc * perGroupIn + ic) * params.kH + kh) * params.kW + kw];
      }
    }
  }
  if (HAS_BIAS == 1u) { sum += bias[oc]; }
  output[index] = sum;
}
