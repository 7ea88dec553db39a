// float16 on the CPU: the kit's own rounding of float32 to half (round to nearest even, subnormals kept, overflow to
// ±Inf, NaN kept), as torch's `.half()` rounds, and the exact widening back. Halves are stored packed two to a u32
// (element 2i in the low 16 bits, as WGSL's unpack2x16float reads them).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bits of `value` rounded to nearest even. */
export function halfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >>> 13) : 0); // ±Inf; NaN stays a quiet NaN
  const e = exponent - 112; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // past 65520: ±Inf
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    mantissa |= 0x800000;
    const shift = 14 - e;
    const kept = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (rest > halfway || (rest === halfway && kept & 1) ? kept + 1 : kept);
  }
  const bits = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && bits & 1) ? bits + 1 : bits); // a carry may reach ±Inf, as it should
}

/** The float32 value of float16 bits (exact). */
export function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Bytes of a tensor of `size` halves: whole u32 words, two halves each. */
export const halfBytes = (size: number) => Math.ceil(size / 2) * 4;

/** Values (a Float32Array, or a platform Float16Array) as packed halves, rounded to nearest even. */
export function packHalves(data: ArrayLike<number>): Uint32Array {
  const words = new Uint32Array(Math.ceil(data.length / 2));
  for (let i = 0; i < data.length; i++) words[i >> 1]! |= halfBits(data[i]!) << ((i & 1) * 16);
  return words;
}

/** Packed halves (`size` of them) widened to float32. */
export function unpackHalves(words: Uint32Array, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = halfValue((words[i >> 1]! >>> ((i & 1) * 16)) & 0xffff);
  return out;
}
