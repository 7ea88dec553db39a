// Conv2d's bias gradient: one invocation per output channel sums its gradient over n, rows, columns (row sums first).
// Layout: grad (N, outC, oH, oW), output [outC]. Bindings: 0 grad, 1 output, 2 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let oc = workItem(id);
  if (oc >= params.outChannels) { return; }
  var sum = 0.0;
  for (var n = 0u; n < params.batch; n++) {
    let gradPlane = (n * params.outChannels + oc) * params.outH * params.outW;
    for (var oh = 0u; oh < params.outH; oh++) {
      var row = 0.0;
      for (var ow = 0u; ow < params.outW; ow++) { row += grad[gradPlane + oh * params.outW + ow]; }
      sum += row;
    }
  }
  output[oc] = sum;
}
