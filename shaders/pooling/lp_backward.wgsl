// LP pooling's backward, as PyTorch 1.13's autograd runs it through lp_pool's composite
// (torch/nn/functional.py: out = (sign(S) · relu(|S|) · K)^(1/p), S = avg_pool(x^p)), in three elementwise stages:
//   STAGE 0: a = x → x^p (the avg pool of this gives S again, as the forward computed it);
//   STAGE 1: a = g, b = S → dS: pow's g · ((1/p) · T^(1/p − 1)) with T = u·K, then ·K, · sign(S), relu's select (0
//            where |S| ≤ 0: an all-zero window gets 0, not NaN), · sign(S);
//   STAGE 2: a = d(x^p) (the avg pool's backward of dS), b = x → dx = a · (p · x^(p − 1)).
// torchPow (torch_pow.wgsl) reproduces torch.pow's special cases. Layout: a, b, out [total] f32.
// Bindings: 0 a, 1 b (STAGE 0: unused, bound to a), 2 out, 3 params.

override STAGE: u32 = 0u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let i = workItem(id);
  if (i >= params.total) { return; }
  let p = params.normType;
  if (STAGE == 0u) {
    out[i] = torchPow(a[i], p);
    return;
  }
  if (STAGE == 1u) {
    let s = b[i];
    let r = max(abs(s), 0.0);
    let t = sign(s) * r * params.kernelArea;
    let dt = a[i] * (params.inverseNorm * torchPow(t, params.inverseNorm - 1.0));
    let dr = dt * params.kernelArea * sign(s);
    let dabs = select(dr, 0.0, r <= 0.0);
    out[i] = dabs * sign(s);
    return;
  }
  out[i] = a[i] * (p * torchPow(b[i], p - 1.0));
}
