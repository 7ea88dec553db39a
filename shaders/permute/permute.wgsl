// y = x.permute(dims) of a 4-D tensor, materialized: one invocation per output element (the hand-off between the
// kit's NCHW and TF.js's NHWC; channels last ⇄ contiguous). Bindings: 0 input, 1 output, 2 params. Permutes that keep
// dim 0 first run in pieces of it when the tensor is larger than one binding (inputBase / outputBase: where the piece
// starts). sourceIndex: permute_index.wgsl.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let i = workItem(id);
  if (i >= params.total) { return; }
  output[params.outputBase + i] = input[params.inputBase + sourceIndex(i)];
}
