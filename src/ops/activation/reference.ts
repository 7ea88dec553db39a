// CPU reference of the activations: PyTorch's definitions.
import { checkData } from '../../core/shape.js';
import type { TensorData } from '../../core/tensorData.js';
import type { ActivationName } from './kernel.js';

/** PyTorch's definitions; comparisons (not Math.max) so NaN propagates as in PyTorch. */
export const activationFunctions: Record<ActivationName, (x: number) => number> = {
  identity: (x) => x,
  relu: (x) => (x < 0 ? 0 : x),
  relu6: (x) => (x < 0 ? 0 : x > 6 ? 6 : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hardsigmoid: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5),
  hardswish: (x) => (x * (x + 3 < 0 ? 0 : x + 3 > 6 ? 6 : x + 3)) / 6, // literally, as PyTorch: −Inf · 0 is NaN
};

export function activation(data: Float32Array, shape: readonly number[], name: ActivationName): TensorData {
  checkData(data, shape);
  return { data: data.map(activationFunctions[name]), shape: [...shape] };
}
