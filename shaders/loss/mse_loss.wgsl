// MSELoss: terms (x − t)² per element (reduction 'none' writes them as the loss); and its backward,
// dx = (x − t) · (norm · g) with norm = 2 (sum, none) or 2/n (mean), PyTorch 1.13's mse_loss_backward.
// Layout: x, target, terms / gradInput [total] f32, grad [1] or [total] (PER_ELEMENT).
// Bindings: 0 x, 1 targets, 2 grad, 3 output, 4 params. BACKWARD false: the terms (grad unused).

override BACKWARD: bool = false;
override PER_ELEMENT: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  let diff = x[index] - targets[index];
  if (!BACKWARD) {
    output[index] = diff * diff;
    return;
  }
  var g = grad[0];
  if (PER_ELEMENT) { g = grad[index]; }
  output[index] = diff * (params.norm * g);
}
