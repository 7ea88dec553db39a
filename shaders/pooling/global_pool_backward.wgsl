// The input gradient of a global pool (a 1×1 mean, or an average window over the whole volume): each plane's output
// gradient divided by `divisor` and broadcast over the plane, four elements per invocation (the generic gather of
// pool_backward.wgsl costs 4× this on software adapters, for the same values).
// Layout: grad [planes], gradInput [planes, planeSize] f32. Bindings: 0 grad, 1 gradInput, 2 params.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let first = workItem(id) * 4u;
  let total = params.planes * params.planeSize;
  for (var i = first; i < min(first + 4u, total); i++) {
    gradInput[i] = grad[i / params.planeSize] / params.divisor;
  }
}
