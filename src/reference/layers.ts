// CPU reference for the layers' ops: Linear, the activations, and the SE block's channel scale.
import type { ActivationName } from '../kernels/activations.js';
import { planLinear } from '../linearPlan.js';
import { checkData } from '../shape.js';
import type { TensorData } from './tensorData.js';

/** A weight or bias: what a state dict holds. */
export interface ParameterLike {
  data: Float32Array;
  shape: readonly number[];
}

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

/** x · gate with x (N, C, H, W) and gate (N, C): PyTorch's `x * gate.view(N, C, 1, 1)`. */
export function channelScale(data: Float32Array, shape: readonly number[], gate: Float32Array): TensorData {
  checkData(data, shape);
  const planes = gate.length;
  const planeSize = planes === 0 ? 0 : data.length / planes;
  return { data: data.map((v, i) => v * gate[Math.floor(i / planeSize)]!), shape: [...shape] };
}
