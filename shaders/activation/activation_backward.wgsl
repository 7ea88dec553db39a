// The gradient of an elementwise activation from its input x, at PyTorch 1.13's edges: relu 0 at x ≤ 0; relu6 0
// at x ≤ 0 and x ≥ 6; sigmoid g·(1 − y)·y from y = sigmoid(x); hardsigmoid g/6 on (−3, 3), else 0; hardswish 0 for
// x < −3, g for x ≥ 3 (what the 1.13 oracle gives at 3), else g·(x/3 + 0.5). A NaN x: relu g, relu6 and hardsigmoid 0, hardswish NaN, as 1.13 gives.
// Layout: x, grad and gradInput [total] f32. Bindings: 0 x, 1 grad, 2 gradInput, 3 params. ACTIVATION as activate().

override ACTIVATION: u32 = 0;

fn derivative(x: f32, g: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return select(g, 0.0, x <= 0.0); }
    case 2u: { return select(0.0, g, x > 0.0 && x < 6.0); } // a NaN x gets 0 (hardtanh_backward)
    case 3u: { let y = activate(x, 3u); return g * (1.0 - y) * y; }
    case 4u: { return select(0.0, g / 6.0, x > -3.0 && x < 3.0); }
    case 5u: {
      if (x >= 3.0) { return g; }
      if (x < -3.0) { return 0.0; }
      return g * (x / 3.0 + 0.5); // a NaN x gives NaN, as in 1.13
    }
    default: { return g; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  gradInput[index] = derivative(x[index], grad[index]);
}
