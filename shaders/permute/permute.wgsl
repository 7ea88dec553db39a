// y = x.permute(dims) of a 4-D tensor, materialized: one invocation per output element (the hand-off between the
// kit's NCHW and TF.js's NHWC). The launcher gives the output's sizes and, for each output dimension, the stride
// of the input dimension it comes from. Bindings: 0 input, 1 output, 2 params. Permutes that keep dim 0 first run in
// pieces of it when the tensor is larger than one binding (inputBase / outputBase: where the piece starts).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let i = workItem(id);
  if (i >= params.total) { return; }
  var rest = i;
  let d3 = rest % params.size3;
  rest /= params.size3;
  let d2 = rest % params.size2;
  rest /= params.size2;
  let d1 = rest % params.size1;
  let d0 = rest / params.size1;
  output[params.outputBase + i] = input[params.inputBase + d0 * params.stride0 + d1 * params.stride1 + d2 * params.stride2 + d3 * params.stride3];
}
