// float16 storage for kernels without `shader-f16` (src/runtime/kernel.ts, withHalves): halves packed two to a u32,
// element 2i in the low 16 bits. Reading widens with unpack2x16float (exact; a bit-twiddled widening measured no
// faster on llvmpipe and slower on SwiftShader); writing rounds with the kit's own round to nearest even on the bits
// (WGSL leaves pack2x16float's rounding and overflow unspecified): subnormals kept, overflow to ±Inf, NaN kept quiet,
// as torch's `.half()`.

/**
 * The half bits of the f32 with these bits, rounded to nearest even, branch-free (software adapters run lanes in
 * lockstep). Normal halves: the exponent rebased and the 13 dropped bits rounded in one integer add (a carry moves
 * into the exponent, and past 65504 to Inf). Subnormal halves and zero: the f32 add v + 0.5 rounds v to a multiple of
 * 2⁻²⁴, the subnormal half's step, to nearest even (IEEE addition); an f32 subnormal flushed to 0 rounds to 0 anyway.
 * Overflow from 65520 up (the tie goes to even: Inf) and Inf give Inf; NaN stays NaN, quiet.
 */
fn halfBits(bits: u32) -> u32 {
  let sign = (bits >> 16u) & 0x8000u;
  let a = bits & 0x7fffffffu;
  let normal = (a + 0xc8000fffu + ((a >> 13u) & 1u)) >> 13u; // a − 0x38000000 + 0xfff + odd, shifted
  let tiny = bitcast<u32>(bitcast<f32>(a) + 0.5) - 0x3f000000u;
  var half = select(normal, tiny, a < 0x38800000u);
  half = select(half, 0x7c00u, a >= 0x477ff000u);
  half = select(half, 0x7e00u | ((a >> 13u) & 0x3ffu), a > 0x7f800000u);
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
