// Where output element i of y = x.permute(dims) comes from in the input (the launcher gives the output's sizes and,
// for each output dimension, the stride of the input dimension it comes from).
fn sourceIndex(i: u32) -> u32 {
  var rest = i;
  let d3 = rest % params.size3;
  rest /= params.size3;
  let d2 = rest % params.size2;
  rest /= params.size2;
  let d1 = rest % params.size1;
  let d0 = rest / params.size1;
  return d0 * params.stride0 + d1 * params.stride1 + d2 * params.stride2 + d3 * params.stride3;
}
