// a + b, one invocation per element (F.add of two tensors of one shape and layout, and its float16 variant reading
// halves). Layout: a, b and output [total], in the tensors' own (shared) memory order.
// Bindings: 0 a, 1 b, 2 output, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  output[index] = a[index] + b[index];
}
