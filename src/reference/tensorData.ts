/** A CPU tensor: row-major float32 data and its shape, as the reference ops take and return it. */
export interface TensorData {
  data: Float32Array;
  shape: number[];
}

export function checkDataLength(data: Float32Array, shape: readonly number[]): void {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (!(data instanceof Float32Array)) throw new TypeError('data must be a Float32Array');
  if (data.length !== expected) {
    throw new RangeError(`data has ${data.length} elements but shape [${shape.join(', ')}] needs ${expected}`);
  }
}
