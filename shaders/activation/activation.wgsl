// An elementwise activation: one invocation per element. Layout: input and output [total] f32.
// Bindings: 0 input, 1 output, 2 params; large tensors run in pieces (see avg_pool2d.wgsl). ACTIVATION picks the function (activation_functions.wgsl).

override ACTIVATION: u32 = 0;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  output[params.outputBase + index] = activate(input[params.inputBase + index], ACTIVATION);
}
