// Plans of max unpooling, of every rank: torch/nn/functional.py's `_unpool_output_size`, then the native checks of
// MaxUnpooling.cpp (the 1-D op runs as max_unpool2d on (…, L, 1)), in PyTorch 1.13's order and words.
import { sameShape } from '../../core/shape.js';
import { TorchError, messages as coreMessages } from '../../core/errors.js';
import { checkShape } from '../../core/shape.js';
import { intList, volumeGeometry, type IntOrTuple, type Rank, type VolumeGeometry } from './args.js';
import { poolingMessages as messages } from './messages.js';

export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}

export interface UnpoolPlan extends VolumeGeometry {
  rank: Rank;
}

export interface MaxUnpoolArgs {
  rank: Rank;
  kernel: number[];
  stride: number[];
  padding: number[];
}

export function resolveMaxUnpoolArgs(rank: Rank, kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}): MaxUnpoolArgs {
  const op = `max_unpool${rank}d`;
  const kernel = intList(op, 'kernel_size', kernelSize, rank);
  const stride = options.stride === null || options.stride === undefined ? kernel : intList(op, 'stride', options.stride, rank);
  return { rank, kernel, stride, padding: intList(op, 'padding', options.padding ?? 0, rank) };
}

/**
 * Validates a max_unpool{1,2,3}d call. `indicesDtype` is PyTorch's name of the indices' type: the kit's int32
 * tensors stand for PyTorch's int64 ones ("Long"). The indices' values are checked where they live (on the GPU,
 * or in the reference).
 */
export function planMaxUnpool(
  shape: readonly number[],
  indicesShape: readonly number[],
  indicesDtype: string,
  args: MaxUnpoolArgs,
  outputSize: readonly number[] | null = null,
): UnpoolPlan {
  checkShape(shape);
  const rank = args.rank;
  const { kernel, stride, padding } = args;
  const count = kernel.length;
  if (stride.length < count || padding.length < count) throw new TypeError(messages.unpoolArgumentLengths(rank));
  if (shape.length < count) throw new TorchError(messages.tupleIndexOutOfRange(), 'IndexError');
  const defaults = kernel.map((k, d) => (shape[shape.length - count + d]! - 1) * stride[d]! + k - 2 * padding[d]!);
  let size = defaults;
  if (outputSize !== null) {
    let requested = [...outputSize];
    if (requested.length === count + 2) requested = requested.slice(2);
    if (requested.length !== count) throw new TorchError(messages.unpoolOutputSizeLength(count, requested.length), 'ValueError');
    requested.forEach((value, d) => {
      const [min, max] = [defaults[d]! - stride[d]!, defaults[d]! + stride[d]!];
      if (!(min < value && value < max)) throw new TorchError(messages.unpoolOutputSizeRange(outputSize, d, min, max), 'ValueError');
    });
    size = requested;
  }
  // The native op sees the 1-D input as (…, L, 1).
  const nativeRank = rank === 1 ? 2 : rank;
  const native = rank === 1 ? [...shape, 1] : shape;
  const nativeIndices = rank === 1 ? [...indicesShape, 1] : indicesShape;
  if (indicesDtype !== 'Long') throw new TorchError(messages.unpoolIndexDtype(nativeRank, indicesDtype));
  if (native.length !== nativeRank + 1 && native.length !== nativeRank + 2) throw new TorchError(messages.unpoolInputRank(nativeRank, native.length));
  if (!sameShape(native, nativeIndices)) throw new TorchError(messages.unpoolIndicesShape(native, nativeIndices));
  for (let i = 1; i < native.length; i++) {
    if (native[i] === 0) throw new TorchError(messages.unpoolEmptyDim(nativeRank, native, i));
  }
  if (nativeRank === 3 && stride.some((s) => s <= 0)) throw new TorchError(messages.unpoolStrideNotPositive(stride));
  if (size.some((s) => s < 0)) throw new TorchError(coreMessages.negativeDimension([...shape.slice(0, shape.length - count), ...size]));
  return { rank, ...volumeGeometry(`max_unpool${rank}d`, shape, size) };
}

/** The sizes PyTorch's "invalid max index" message reports: the native op's output volume (1-D: L×1). */
export function unpoolVolumeSizes(plan: UnpoolPlan): number[] {
  const [d, h, w] = plan.output;
  return plan.rank === 1 ? [w, 1] : plan.rank === 2 ? [h, w] : [d, h, w];
}
