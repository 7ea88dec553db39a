// float32 ⇄ float16 (halves packed two to a u32: element 2i in the low 16 bits). One invocation per u32 word, i.e.
// per pair of elements. TO_HALF: the kit's own round to nearest even on the bits (WGSL leaves pack2x16float's
// rounding and overflow unspecified): subnormals kept, overflow to ±Inf, NaN kept quiet, as torch's `.half()`.
// Otherwise unpack2x16float, which is exact. Layout: input [total] f32 or [⌈total/2⌉] u32, output the other.
// Bindings: 0 input (u32 words either way), 1 output, 2 params.

override TO_HALF: bool = true;

fn halfBits(bits: u32) -> u32 {
  let sign = (bits >> 16u) & 0x8000u;
  let exponent = (bits >> 23u) & 0xffu;
  var mantissa = bits & 0x7fffffu;
  if (exponent == 0xffu) {
    if (mantissa != 0u) { return sign | 0x7e00u | (mantissa >> 13u); }
    return sign | 0x7c00u;
  }
  let e = i32(exponent) - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    if (e < -10) { return sign; }
    mantissa = mantissa | 0x800000u;
    let shift = u32(14 - e);
    let kept = mantissa >> shift;
    let rest = mantissa & ((1u << shift) - 1u);
    let halfway = 1u << (shift - 1u);
    if (rest > halfway || (rest == halfway && (kept & 1u) == 1u)) { return sign | (kept + 1u); }
    return sign | kept;
  }
  let half = (u32(e) << 10u) | (mantissa >> 13u);
  let rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u) == 1u)) { return sign | (half + 1u); }
  return sign | half;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let word = workItem(id);
  let first = word * 2u;
  if (first >= params.total) { return; }
  let pair = first + 1u < params.total;
  if (TO_HALF) {
    var packed = halfBits(input[first]);
    if (pair) { packed = packed | (halfBits(input[first + 1u]) << 16u); }
    output[word] = packed;
    return;
  }
  let values = unpack2x16float(input[word]);
  output[first] = bitcast<u32>(values.x);
  if (pair) { output[first + 1u] = bitcast<u32>(values.y); }
}
