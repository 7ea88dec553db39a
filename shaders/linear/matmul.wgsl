// c[m, n] = Σ_k a(m, k) · b(k, n), k ascending (the CPU reference's order), one invocation per output: Linear's
// backward (dX = G·W, dW = Gᵀ·X, db = Σ_rows G) with each operand read through strides, so no transpose is
// materialised. A_ONES: a(m, k) = 1 (a column sum; binding 0 is then a placeholder).
// Layout: c [M, N] row-major f32. Bindings: 0 a, 1 b, 2 c, 3 params.

override A_ONES: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.m * params.n) { return; }
  let row = index / params.n;
  let col = index % params.n;
  var sum = 0.0;
  for (var k = 0u; k < params.k; k++) {
    let bk = b[k * params.bStrideK + col * params.bStrideN];
    if (A_ONES) {
      sum += bk;
    } else {
      sum += a[row * params.aStrideM + k * params.aStrideK] * bk;
    }
  }
  c[index] = sum;
}
