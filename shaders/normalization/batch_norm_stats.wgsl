// Batch statistics: one invocation per channel sums its N·H·W values (row by row, then the rows: shorter f32 sums),
// then the squared deviations from the mean (two passes, as PyTorch's CPU kernel). Loops nest over n, rows and
// columns, so none is longer than one of them (llvmpipe's loop cap). Layout: input (N, C, rows, width) contiguous, or
// channels last (CHANNELS_LAST: (N, rows, width, C)); stats [2C]: the means, then the biased variances.
// Bindings: 0 input, 1 stats, 2 params.

override CHANNELS_LAST: u32 = 0;

fn at(n: u32, s: u32, c: u32) -> u32 {
  let positions = params.rows * params.width;
  if (CHANNELS_LAST == 1u) { return (n * positions + s) * params.channels + c; }
  return (n * params.channels + c) * positions + s;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let c = workItem(id);
  if (c >= params.channels) { return; }
  let count = f32(params.batch * params.rows * params.width);
  var total = 0.0;
  for (var n = 0u; n < params.batch; n++) {
    for (var r = 0u; r < params.rows; r++) {
      var row = 0.0;
      for (var w = 0u; w < params.width; w++) { row += input[at(n, r * params.width + w, c)]; }
      total += row;
    }
  }
  let mean = total / count;
  var squares = 0.0;
  for (var n = 0u; n < params.batch; n++) {
    for (var r = 0u; r < params.rows; r++) {
      var row = 0.0;
      for (var w = 0u; w < params.width; w++) {
        let d = input[at(n, r * params.width + w, c)] - mean;
        row += d * d;
      }
      squares += row;
    }
  }
  stats[c] = mean;
  stats[params.channels + c] = squares / count;
}
