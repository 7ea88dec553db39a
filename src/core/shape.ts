// Checks shared by tensors, the reference and the pooling plans: a shape is non-negative integers, and data
// has exactly as many elements as its shape.

/** Throws a TypeError unless `shape` is an array of non-negative integers; returns its element count. */
export function checkShape(shape: readonly number[]): number {
  // A plain loop: this runs a few times per forward.
  let size = 1;
  const valid = Array.isArray(shape);
  for (let i = 0; valid && i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isSafeInteger(d) || d < 0) {
      size = -1;
      break;
    }
    size *= d;
  }
  if (!valid || size < 0) throw new TypeError(`shape must be an array of non-negative integers, but got [${String(shape)}]`);
  return size;
}

/**
 * Throws unless `data` is a Float32Array (or, with `int32`, an Int32Array) with the shape's element count; `who`
 * prefixes the message.
 */
/** Whether two shapes are the same dims in the same order. */
export const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export function checkData(data: ArrayLike<number>, shape: readonly number[], who = '', int32 = false): void {
  const size = checkShape(shape);
  const F16 = (globalThis as { Float16Array?: new () => unknown }).Float16Array;
  if (!(data instanceof Float32Array) && !(int32 && data instanceof Int32Array) && !(F16 && data instanceof F16)) {
    throw new TypeError(`${who}data must be a Float32Array${int32 ? ' or an Int32Array' : ''}`);
  }
  if (data.length !== size) throw new RangeError(`${who}data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}`);
}

/**
 * The plan of the last input shape seen (modules keep one): a forward on the same shape as the one before
 * reuses its validated plan instead of checking again. Plans are pure functions of the shape.
 */
export class LastPlan<P> {
  #shape: readonly number[] | null = null;
  #plan: P | null = null;

  get(shape: readonly number[], plan: (shape: readonly number[]) => P): P {
    const last = this.#shape;
    if (last && last.length === shape.length && last.every((d, i) => d === shape[i])) return this.#plan!;
    const planned = plan(shape); // throws PyTorch's error for a bad shape, and then remembers nothing
    this.#shape = shape.slice();
    this.#plan = planned;
    return planned;
  }
}
