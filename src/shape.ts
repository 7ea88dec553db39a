// Checks shared by tensors, the reference and the pooling plans: a shape is non-negative integers, and data
// has exactly as many elements as its shape.

/** Throws a TypeError unless `shape` is an array of non-negative integers; returns its element count. */
export function checkShape(shape: readonly number[]): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new TypeError(`shape must be an array of non-negative integers, but got [${String(shape)}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws unless `data` is a Float32Array with the shape's element count; `who` prefixes the message. */
export function checkData(data: Float32Array, shape: readonly number[], who = ''): void {
  const size = checkShape(shape);
  if (!(data instanceof Float32Array)) throw new TypeError(`${who}data must be a Float32Array`);
  if (data.length !== size) throw new RangeError(`${who}data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}`);
}
