// An elementwise activation: four elements an invocation, read and written as a vec4 (float16: two words of halves,
// read and written as halves; src/ops/activation/kernel.ts). Layout: input and output [total] vec4s.
// Bindings: 0 input, 1 output, 2 params; large tensors run in pieces (src/runtime/planeChunks.ts). ACTIVATION picks
// the function (activation_functions.wgsl), which `activateValue` applies lane by lane.

override ACTIVATION: u32 = 0;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  output[params.outputBase + index] = activateValue(input[params.inputBase + index]);
}
