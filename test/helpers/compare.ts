// expectClose: the reference's worstMismatch at the project's f32 tolerance, as a test assertion.
import { worstMismatch } from '../../src/core/compare.js';

/** Throws with `context`, the worst index and its values when `actual` is not within tolerance of `expected`. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, context: string): void {
  const bad = worstMismatch(actual, expected);
  if (!bad) return;
  if (bad.index === -1) throw new Error(`${context}: length ${bad.actual}, expected ${bad.expected}`);
  throw new Error(`${context}: worst mismatch at index ${bad.index}: got ${bad.actual}, expected ${bad.expected}`);
}

/** A half's ulp at `value` (subnormal ulps under 2⁻¹⁴). */
export const halfUlp = (value: number): number => 2 ** (Math.max(-14, Math.floor(Math.log2(Math.abs(value) || 2 ** -14))) - 10);

/** Logical-order data of an [N, C, spatial…] tensor in channels-last memory order ([N, spatial…, C]), as fromArray takes it. */
export function channelsLastOrder(logical: Float32Array, shape: readonly number[]): Float32Array {
  const [, c] = shape as [number, number];
  const positions = shape.slice(2).reduce((a, b) => a * b, 1);
  const memory = new Float32Array(logical.length);
  logical.forEach((v, i) => {
    const [sample, channel, position] = [Math.floor(i / (c * positions)), Math.floor(i / positions) % c, i % positions];
    memory[(sample * positions + position) * c + channel] = v;
  });
  return memory;
}
