// float16 storage for kernels without `shader-f16` (src/runtime/kernel.ts, withHalves): halves packed two to a u32,
// element 2i in the low 16 bits. Reading widens with unpack2x16float (exact); writing rounds with the kit's own round
// to nearest even on the bits (WGSL leaves pack2x16float's rounding and overflow unspecified): subnormals kept,
// overflow to ±Inf, NaN kept quiet, as torch's `.half()`.

/** The half bits of the f32 with these bits, rounded to nearest even. */
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

/** Four f32 values as four halves: two words. */
fn packHalf4(v: vec4f) -> vec2u {
  return vec2u(
    halfBits(bitcast<u32>(v.x)) | (halfBits(bitcast<u32>(v.y)) << 16u),
    halfBits(bitcast<u32>(v.z)) | (halfBits(bitcast<u32>(v.w)) << 16u),
  );
}

/** Two words of halves as four f32 values (exact). */
fn unpackHalf4(words: vec2u) -> vec4f {
  return vec4f(unpack2x16float(words.x), unpack2x16float(words.y));
}
