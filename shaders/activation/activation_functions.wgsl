// Shared by the kernels that apply an activation (linear, activation, squeeze_excitation_gate): not a kernel
// itself, it is prepended to their source. Ids match ACTIVATIONS in src/ops/activation/kernel.ts.
// NaN is tested with the prelude's isNan.

fn activate(x: f32, kind: u32) -> f32 {
  if (isNan(x)) { return x; } // every activation maps NaN to NaN in PyTorch
  switch kind {
    case 1u: { return select(x, 0.0, x < 0.0); }                                   // ReLU
    case 2u: { return select(select(x, 6.0, x > 6.0), 0.0, x < 0.0); }             // ReLU6
    case 3u: { return 1.0 / (1.0 + exp(-x)); }                                     // Sigmoid
    case 4u: { return select(select(x / 6.0 + 0.5, 1.0, x >= 3.0), 0.0, x <= -3.0); }     // Hardsigmoid
    case 5u: {                                                                      // Hardswish
      // PyTorch computes x · relu6(x + 3) / 6 literally, so −Inf · 0 is NaN.
      // A NaN literal is a compile error in WGSL; setting the quiet bit of −Inf's bits makes one at run time.
      if (bitcast<u32>(x) == 0xff800000u) { return bitcast<f32>(bitcast<u32>(x) | 0x00400000u); }
      return select(select(x * (x + 3.0) / 6.0, x, x >= 3.0), 0.0, x <= -3.0);
    }
    default: { return x; }                                                          // identity
  }
}
