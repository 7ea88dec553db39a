// float32 ⇄ float16 (halves packed two to a u32: element 2i in the low 16 bits). One invocation per u32 word, i.e.
// per pair of elements. TO_HALF: the kit's own round to nearest even on the bits (WGSL leaves pack2x16float's
// rounding and overflow unspecified): subnormals kept, overflow to ±Inf, NaN kept quiet, as torch's `.half()`.
// Otherwise unpack2x16float, which is exact. Layout: input [total] f32 or [⌈total/2⌉] u32, output the other.
// Bindings: 0 input (u32 words either way), 1 output, 2 params. halfBits: shaders/runtime/half.wgsl.

override TO_HALF: bool = true;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let word = workItem(id);
  let first = word * 2u;
  if (first >= params.total) { return; }
  let pair = first + 1u < params.total;
  // A piece (a tensor larger than one binding) starts at a whole word: inputBase / outputBase count u32 words.
  if (TO_HALF) {
    var packed = halfBits(input[params.inputBase + first]);
    if (pair) { packed = packed | (halfBits(input[params.inputBase + first + 1u]) << 16u); }
    output[params.outputBase + word] = packed;
    return;
  }
  let values = unpack2x16float(input[params.inputBase + word]);
  output[params.outputBase + first] = bitcast<u32>(values.x);
  if (pair) { output[params.outputBase + first + 1u] = bitcast<u32>(values.y); }
}
