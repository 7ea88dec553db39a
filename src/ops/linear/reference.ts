// CPU reference of F.linear, written for clarity.
import { checkData } from '../../core/shape.js';
import type { TensorData } from '../../core/tensorData.js';
import { planLinear } from './plan.js';

/** A weight or bias: what a state dict holds. */
export interface ParameterLike {
  data: Float32Array;
  shape: readonly number[];
}

/** y = x · Wᵀ + b, with x [..., in] and weight [out, in] as in torch's F.linear. */
export function linear(data: Float32Array, shape: readonly number[], weight: ParameterLike, bias: ParameterLike | null = null): TensorData {
  const plan = planLinear(shape, weight.shape);
  checkData(data, shape);
  const out = new Float32Array(plan.rows * plan.outFeatures);
  for (let row = 0; row < plan.rows; row++) {
    for (let o = 0; o < plan.outFeatures; o++) {
      let sum = 0;
      for (let k = 0; k < plan.inFeatures; k++) sum += data[row * plan.inFeatures + k]! * weight.data[o * plan.inFeatures + k]!;
      out[row * plan.outFeatures + o] = sum + (bias ? bias.data[o]! : 0);
    }
  }
  return { data: out, shape: plan.outputShape };
}
