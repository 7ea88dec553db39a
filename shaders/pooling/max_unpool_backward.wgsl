// Max unpooling's input gradient, a gather (PyTorch's grad_output.flatten(-d).gather(-1, indices)): each input
// element takes the output gradient at its index in its plane; an index outside the plane (which the forward's
// read rejects) gives 0. Layout: grad [planes, outVolume], indices and gradInput [planes, inVolume].
// Bindings: 0 grad, 1 indices (i32), 2 gradInput, 3 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.planes * params.inVolume) { return; }
  let plane = index / params.inVolume;
  let at = indices[index];
  if (at < 0 || u32(at) >= params.outVolume) {
    gradInput[index] = 0.0;
    return;
  }
  gradInput[index] = grad[plane * params.outVolume + u32(at)];
}
