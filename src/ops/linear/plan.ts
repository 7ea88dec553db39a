// Shape checks of torch's F.linear, shared by the GPU op and the CPU reference.
import { TorchError } from '../../core/errors.js';
import { linearMessages as messages } from './messages.js';

export interface LinearPlan {
  /** Input rows: the product of all dims but the last (1 for a vector). */
  rows: number;
  inFeatures: number;
  outFeatures: number;
  outputShape: number[];
}

/** Validates x [..., in] against weight [out, in] and returns the plan, or throws PyTorch's message. */
export function planLinear(inputShape: readonly number[], weightShape: readonly number[]): LinearPlan {
  const [outFeatures, inFeatures] = weightShape as [number, number];
  if (inputShape.length === 0) throw new TorchError(messages.matmulZeroDim());
  const inner = inputShape[inputShape.length - 1]!;
  const rows = inputShape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (inner !== inFeatures) throw new TorchError(messages.linearShapes(rows, inner, inFeatures, outFeatures));
  return { rows, inFeatures, outFeatures, outputShape: [...inputShape.slice(0, -1), outFeatures] };
}
