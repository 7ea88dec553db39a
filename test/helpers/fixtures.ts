// What every fixture helper shares (test/fixtures/common.py is its Python side): the generators' deterministic
// input and the JSON encoding of NaN and ±Infinity.

export type Encoded = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** JSON has no NaN or Infinity: the generators write them as strings. */
export const decode = (values: readonly Encoded[]): Float32Array => Float32Array.from(values, (v) => (typeof v === 'number' ? v : Number(v)));

/** The generators' input: integers over 64, exact in float32 (the same formula as common.py's fixture_input). */
export function fixtureInput(shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => ((i * 7919 + 13) % 1009) / 64 - 7.875);
}
