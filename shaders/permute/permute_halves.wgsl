// y = x.permute(dims) of a float16 tensor, its halves moved as they are (bits, NaN payloads included): one
// invocation per output word, the two halves packed into it (element 2i in the low 16 bits, as
// shaders/runtime/half.wgsl stores them). `total` counts output halves; a last, odd one gets a zero high half. The
// launcher runs it where every piece's output starts on a word (outputBase even). sourceIndex: permute_index.wgsl.

fn halfAt(h: u32) -> u32 {
  return (input[h >> 1u] >> ((h & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let first = 2u * workItem(id);
  if (first >= params.total) { return; }
  let low = halfAt(params.inputBase + sourceIndex(first));
  var high = 0u;
  if (first + 1u < params.total) { high = halfAt(params.inputBase + sourceIndex(first + 1u)); }
  output[(params.outputBase + first) >> 1u] = low | (high << 16u);
}
