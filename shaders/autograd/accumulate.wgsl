// Sums two gradients: output = a + b, one invocation per element. Layout: a, b and output [total] f32.
// Bindings: 0 a, 1 b, 2 output, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  output[index] = a[index] + b[index];
}
