// The losses' argument and shape checks, in PyTorch's order and words, before any GPU work.
import { TorchError } from '../../core/errors.js';
import { sameShape } from '../../core/shape.js';
import type { DType, Tensor } from '../../core/tensor.js';
import { lossMessages as messages } from './messages.js';

export type LossReduction = 'none' | 'mean' | 'sum';

export interface CrossEntropyOptions {
  /** A weight per class, (C). */
  weight?: Tensor | null;
  /** Class index whose positions count for nothing (default −100). */
  ignoreIndex?: number;
  reduction?: LossReduction;
  /** ε in [0, 1]: the target is (1 − ε)·one-hot + ε/C (default 0). */
  labelSmoothing?: number;
}

export interface MSELossOptions {
  reduction?: LossReduction;
}

export function checkReduction(reduction: string | undefined): LossReduction {
  const value = reduction ?? 'mean';
  if (value !== 'none' && value !== 'mean' && value !== 'sum') throw new TorchError(messages.reduction(String(value)), 'ValueError');
  return value;
}

export interface CrossEntropyPlan {
  classes: number;
  spatial: number;
  positions: number;
  probabilities: boolean;
  reduction: LossReduction;
  ignoreIndex: number;
  smoothing: number;
  /** The loss's shape: [] reduced, else the target's (N, d…). */
  outputShape: number[];
}

export function planCrossEntropy(input: readonly number[], target: { shape: readonly number[]; dtype: DType }, options: CrossEntropyOptions): CrossEntropyPlan {
  const reduction = checkReduction(options.reduction);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new TorchError(messages.labelSmoothing(smoothing));
  if (input.length < 2) throw new TorchError(messages.inputRank(input.length));
  const [batch, classes] = input as [number, number];
  const spatial = input.slice(2).reduce((a, b) => a * b, 1);
  const probabilities = target.dtype === 'float32';
  if (probabilities) {
    if (!sameShape(input, target.shape)) throw new TorchError(messages.probabilityShape(input, target.shape));
  } else {
    if (target.shape[0] !== batch) throw new TorchError(messages.batchSize(batch, target.shape[0] ?? 0), 'ValueError');
    if (!sameShape(target.shape, [batch, ...input.slice(2)])) throw new TorchError(messages.targetShape(input, target.shape));
  }
  const weight = options.weight;
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== classes)) throw new TorchError(messages.weightSize(classes, weight.shape));
  return {
    classes,
    spatial,
    positions: batch * spatial,
    probabilities,
    reduction,
    ignoreIndex: options.ignoreIndex ?? -100,
    smoothing,
    outputShape: reduction === 'none' ? [batch, ...input.slice(2)] : [],
  };
}

export function planMSELoss(input: readonly number[], target: readonly number[], options: MSELossOptions): { reduction: LossReduction; outputShape: number[] } {
  const reduction = checkReduction(options.reduction);
  if (!sameShape(input, target)) throw new TorchError(messages.mseShape(input, target));
  return { reduction, outputShape: reduction === 'none' ? [...input] : [] };
}
