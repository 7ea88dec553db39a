// Plans of adaptive pooling, average and max, of every rank: PyTorch's integer windows over any input size
// (AdaptiveAveragePooling.cpp, AdaptiveAveragePooling3d.cpp, AdaptiveMaxPooling2d/3d.cpp, torch/nn/functional.py),
// checked in PyTorch 1.13's order, with its words.
import { TorchError, messages as coreMessages } from '../../core/errors.js';
import { checkShape } from '../../core/shape.js';
import {
  check1d,
  checkDimRange,
  checkInt,
  product,
  squeezed,
  unsqueezed,
  volumeGeometry,
  type AdaptiveOutputSize,
  type AdaptiveSize,
  type Rank,
  type VolumeGeometry,
} from './args.js';
import { poolingMessages as messages } from './messages.js';

export interface AdaptiveMaxPoolOptions {
  returnIndices?: boolean;
}

export interface AdaptivePlan extends VolumeGeometry {
  mode: 'avg' | 'max';
  returnIndices: boolean;
  /**
   * PyTorch computes an adaptive average pool to 1 (×1…) as `mean` over the pooled dims, skipping the rank checks:
   * any rank at least that large is accepted, and an empty map gives NaN. The plan records that path.
   */
  isGlobalMean: boolean;
}

function adaptivePlan(
  mode: 'avg' | 'max',
  op: string,
  shape: readonly number[],
  out: readonly number[],
  returnIndices: boolean,
  isGlobalMean = false,
): AdaptivePlan {
  return { mode, ...volumeGeometry(op, shape, out), returnIndices, isGlobalMean };
}

/** The divisor when an adaptive plan is a global mean over a non-empty volume, else null. */
export function globalMeanDivisor(plan: AdaptivePlan): number | null {
  const volume = product(plan.input);
  return plan.isGlobalMean && volume > 0 ? volume : null;
}

/**
 * torch/nn/functional.py's `_list_with_default`: `null` members take the input's size; too short an input is a
 * ValueError. An int stays an int (`rank` copies).
 */
function listWithDefault(size: AdaptiveSize, shape: readonly number[], op: string, rank: number, what?: string): number[] {
  if (!Array.isArray(size)) {
    // adaptive_avg_pool2d's `_pair` takes anything but a list as one int; the other ops want an int or a list.
    if (typeof size !== 'number' && !what) throw new TypeError(messages.notAList(op, 'output_size', size));
    return new Array<number>(rank).fill(checkInt(op, 'output_size', size, what));
  }
  if (shape.length <= size.length) throw new TorchError(messages.adaptiveInputTooSmall(size.length + 1), 'ValueError');
  const defaults = shape.slice(shape.length - size.length);
  return size.map((v, i) => (v === null ? defaults[i]! : checkInt(op, 'output_size', v, what)));
}

/** A 1-D op's output size as the list PyTorch's check1d sees. */
const oneDimSize = (op: string, size: AdaptiveSize) =>
  typeof size === 'number' ? [checkInt(op, 'output_size', size)] : size.map((v) => checkInt(op, 'output_size', v));

/**
 * The argument checks of adaptive_avg_pool2d that do not depend on the input; modules run them at construction
 * (a list of another length than 2 is PyTorch's error at forward, once the input is known).
 */
export function checkAdaptiveOutputSize(outputSize: AdaptiveOutputSize): void {
  const op = 'adaptive_avg_pool2d';
  const sizes = (Array.isArray(outputSize) ? outputSize : [outputSize, outputSize]) as readonly (number | null)[];
  sizes.forEach((s) => s === null || checkInt(op, 'output_size', s, 'an int or a pair of ints'));
  if (sizes.length !== 2) return;
  if (sizes.some((s) => (s ?? 0) < 0)) throw new TorchError(messages.adaptiveNegative(sizes.map((s) => s ?? 0)));
}

/** Validates an adaptive_avg_pool2d call and returns its plan, or throws PyTorch's error. */
export function planAdaptiveAvgPool2d(shape: readonly number[], outputSize: AdaptiveOutputSize, op = 'adaptive_avg_pool2d'): AdaptivePlan {
  checkShape(shape);
  const native = 'adaptive_avg_pool2d';
  const size = listWithDefault(outputSize, shape, native, 2, 'an int or a pair of ints');
  if (size.length !== 2) throw new TorchError(messages.adaptiveOutputSizeLength(native, 2));
  if (size.some((s) => s < 0)) throw new TorchError(messages.adaptiveNegative(size));
  const rank = shape.length;
  const isGlobalMean = size.every((s) => s === 1);
  if (isGlobalMean) {
    if (rank < 2) throw new TorchError(coreMessages.dimensionOutOfRange(rank, -2), 'IndexError');
  } else {
    if (rank !== 3 && rank !== 4) throw new TorchError(messages.adaptiveRank(native, 3, shape, false));
    // PyTorch 1.13 checks only the two spatial dims here; an empty channel dim gives an empty output.
    for (const dim of [rank - 2, rank - 1]) {
      if (shape[dim] === 0) throw new TorchError(messages.adaptiveEmptyDimOf(native, shape, dim));
    }
  }
  return adaptivePlan('avg', op, shape, size, false, isGlobalMean);
}

/** Validates an adaptive_avg_pool1d call: PyTorch runs adaptive_avg_pool2d on (…, 1, L) to (1, size). */
export function planAdaptiveAvgPool1d(shape: readonly number[], outputSize: AdaptiveSize): AdaptivePlan {
  const op = 'adaptive_avg_pool1d';
  checkShape(shape);
  checkDimRange(op, shape, 2, 4);
  const out = check1d(op, 'output_size', oneDimSize(op, outputSize));
  return squeezed(planAdaptiveAvgPool2d(unsqueezed(shape), [1, out]), op, shape);
}

/** Validates an adaptive_avg_pool3d call. */
export function planAdaptiveAvgPool3d(shape: readonly number[], outputSize: AdaptiveSize): AdaptivePlan {
  checkShape(shape);
  const op = 'adaptive_avg_pool3d';
  const size = listWithDefault(outputSize, shape, op, 3);
  if (size.length !== 3) throw new TorchError(messages.adaptiveOutputSizeLength(op, 3));
  if (size.some((s) => s < 0)) throw new TorchError(messages.adaptiveNegative(size));
  if (size.every((s) => s === 1)) {
    if (shape.length < 3) throw new TorchError(coreMessages.dimensionOutOfRange(shape.length, -3), 'IndexError');
    return adaptivePlan('avg', op, shape, size, false, true);
  }
  for (let i = 1; i < shape.length; i++) {
    if (shape[i] === 0) throw new TorchError(messages.adaptiveEmptyDimOf(op, shape, i));
  }
  if (shape.length !== 4 && shape.length !== 5) throw new TorchError(messages.adaptiveRank(op, 4, shape, false));
  return adaptivePlan('avg', op, shape, size, false);
}

export interface AdaptiveMaxArgs {
  rank: Rank;
  outputSize: AdaptiveSize;
  returnIndices: boolean;
}

/** Validates an adaptive_max_pool{1,2,3}d call (1-D: PyTorch's adaptive_max_pool2d on (…, 1, L)). */
export function planAdaptiveMaxPool(shape: readonly number[], args: AdaptiveMaxArgs): AdaptivePlan {
  checkShape(shape);
  if (args.rank === 1) {
    const op = 'adaptive_max_pool1d';
    checkDimRange(op, shape, 2, 4);
    const out = check1d(op, 'output_size', oneDimSize(op, args.outputSize));
    return squeezed(checkAdaptiveMax(2, unsqueezed(shape), [1, out], args.returnIndices), op, shape);
  }
  const op = `adaptive_max_pool${args.rank}d`;
  return checkAdaptiveMax(args.rank, shape, listWithDefault(args.outputSize, shape, op, args.rank), args.returnIndices);
}

function checkAdaptiveMax(rank: 2 | 3, shape: readonly number[], size: number[], returnIndices: boolean): AdaptivePlan {
  const op = `adaptive_max_pool${rank}d`;
  if (shape.length !== rank + 1 && shape.length !== rank + 2) throw new TorchError(messages.adaptiveRank(op, rank + 1, shape, true));
  for (let i = 1; i < shape.length; i++) {
    if (shape[i] === 0) throw new TorchError(messages.adaptiveEmptyDimOf(op, shape, i));
  }
  if (size.length !== rank) throw new TorchError(messages.adaptiveMaxOutputSizeLength(op, rank));
  const outputShape = [...shape.slice(0, shape.length - rank), ...size];
  if (size.some((s) => s < 0)) throw new TorchError(coreMessages.negativeDimension(outputShape));
  return adaptivePlan('max', op, shape, size, returnIndices);
}
