// The gate's gradient of y = x · gate: gradGate[p] = Σ_i grad[p, i] · x[p, i] over each plane, i ascending (the CPU
// reference's order), one invocation per plane. (x's gradient, grad · gate, is the channel scale itself.)
// Layout: grad and x [planes, planeSize] f32, gradGate [planes]. Bindings: 0 grad, 1 x, 2 gradGate, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let plane = workItem(id);
  if (plane >= params.planes) { return; }
  let base = plane * params.planeSize;
  var sum = 0.0;
  for (var i = 0u; i < params.planeSize; i++) { sum += grad[base + i] * x[base + i]; }
  gradGate[plane] = sum;
}
