// Plans of max pooling over fixed windows, of every rank, with indices and dilation: PyTorch 1.13's checks in its
// order and words (DilatedMaxPool2d/3d.cpp, MaxPooling.cpp), then the window plan of windowPlan.ts.
import { TorchError } from '../../core/errors.js';
import { checkShape } from '../../core/shape.js';
import { check1d, checkDimRange, cppDiv, intList, poolingOutputSize, sizedOr, squeezed, unsqueezed, type IntOrTuple, type Rank } from './args.js';
import { poolingMessages as messages } from './messages.js';
import { check3dShape, windowPlan, type WindowPlan } from './windowPlan.js';

export interface MaxPoolOptions {
  /** Defaults to the kernel size (PyTorch's `stride=None`). */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  /** Also return the argmax of each window: its flat position within the input plane (an int32 tensor). */
  returnIndices?: boolean;
}

/** Max pooling's arguments as PyTorch receives them (lists keep their length for its checks). */
export interface MaxPoolArgs {
  rank: Rank;
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  returnIndices: boolean;
}

export function resolveMaxPoolArgs(rank: Rank, kernelSize: IntOrTuple, options: MaxPoolOptions = {}): MaxPoolArgs {
  const op = `max_pool${rank}d`;
  return {
    rank,
    kernel: intList(op, 'kernel_size', kernelSize, rank),
    stride: intList(op, 'stride', options.stride ?? null, rank),
    padding: intList(op, 'padding', options.padding ?? 0, rank),
    dilation: intList(op, 'dilation', options.dilation ?? 1, rank),
    ceilMode: options.ceilMode ?? false,
    returnIndices: options.returnIndices ?? false,
  };
}

const RANK_WORD = { 2: 'two', 3: 'three' } as const;

/** max_pool2d / max_pool3d (with indices: PyTorch's `max_pool{2,3}d_with_indices`, the values-only path too). */
function planDilatedMaxPool(rank: 2 | 3, shape: readonly number[], args: MaxPoolArgs): WindowPlan {
  const op = `max_pool${rank}d`;
  const word = RANK_WORD[rank];
  const kernel = sizedOr(op, 'kernel_size', `must either be a single int, or a tuple of ${word} ints`, args.kernel, rank);
  const stride = sizedOr(op, 'stride', `must either be omitted, a single int, or a tuple of ${word} ints`, args.stride, rank, kernel);
  const padding = sizedOr(op, 'padding', `must be either be a single int, or a tuple of ${word} ints`, args.padding, rank);
  const dilation = sizedOr(op, 'dilation', `must be either a single int, or a tuple of ${word} ints`, args.dilation, rank);
  if (shape.length !== rank + 1 && shape.length !== rank + 2) throw new TorchError(messages.poolInputRank(rank + 1));
  const spatial = shape.slice(-rank);
  const out = spatial.map((size, i) => poolingOutputSize(size, kernel[i]!, padding[i]!, stride[i]!, dilation[i]!, args.ceilMode));
  const planesOfSample = shape[shape.length - rank - 1]!;
  if (rank === 2) {
    const [kH, kW] = kernel as [number, number];
    const [dH, dW] = stride as [number, number];
    const [padH, padW] = padding as [number, number];
    const [dilH, dilW] = dilation as [number, number];
    if (kH <= 0 || kW <= 0) throw new TorchError(messages.kernelNotPositive(kH, kW));
    if (dH <= 0 || dW <= 0) throw new TorchError(messages.strideNotPositive(dH, dW));
    if (dilH <= 0 || dilW <= 0) throw new TorchError(messages.dilationNotPositive2d(dilH, dilW));
    const validDims = shape[shape.length - 3] !== 0 && shape[shape.length - 2] !== 0;
    if (!((shape.length === 3 && shape[0] !== 0 && validDims) || (shape.length === 4 && validDims && shape[3] !== 0))) {
      throw new TorchError(messages.avgPoolInputRank(shape));
    }
    if (cppDiv(kW, 2) < padW || cppDiv(kH, 2) < padH) throw new TorchError(messages.padOverHalfKernel2d(padW, padH, kW, kH));
    if (out[0]! < 1 || out[1]! < 1) throw new TorchError(messages.outputTooSmall(planesOfSample, spatial[0]!, spatial[1]!, out[0]!, out[1]!));
  } else {
    check3dShape(`max_pool3d_with_indices_out_cpu_template()`, shape, kernel, stride, padding, dilation, spatial, out, false);
  }
  return windowPlan('max', op, shape, out, kernel, stride, padding, dilation, { returnIndices: args.returnIndices });
}

/** max_pool1d: with indices PyTorch runs max_pool2d on (…, 1, L); without, its own checks and kernel. */
function planMaxPool1d(shape: readonly number[], args: MaxPoolArgs): WindowPlan {
  const op = 'max_pool1d';
  if (args.returnIndices) {
    const stride = args.stride.length === 0 ? args.kernel : args.stride;
    checkDimRange(op, shape, 2, 4);
    const k = check1d(op, 'kernel_size', args.kernel);
    const s = check1d(op, 'stride', stride);
    const p = check1d(op, 'padding', args.padding);
    const d = check1d(op, 'dilation', args.dilation);
    const plan = planDilatedMaxPool(2, unsqueezed(shape), { ...args, rank: 2, kernel: [1, k], stride: [1, s], padding: [0, p], dilation: [1, d] });
    return squeezed(plan, op, shape);
  }
  const r = shape.length;
  if (!((r === 2 && shape[0] !== 0 && shape[1] !== 0) || (r === 3 && shape[1] !== 0 && shape[2] !== 0))) {
    throw new TorchError(messages.maxPool1dInput(shape));
  }
  const problem = messages.maxPool1d;
  if (args.kernel.length !== 1) throw new TorchError(problem.kernelSizeLength(args.kernel.length));
  if (args.stride.length > 1) throw new TorchError(problem.strideLength(args.stride.length));
  if (args.padding.length !== 1) throw new TorchError(problem.paddingLength(args.padding.length));
  if (args.dilation.length !== 1) throw new TorchError(problem.dilationLength(args.dilation.length));
  const [k] = args.kernel as [number];
  const [s] = (args.stride.length ? args.stride : args.kernel) as [number];
  const [p] = args.padding as [number];
  const [d] = args.dilation as [number];
  if (k <= 0) throw new TorchError(problem.kernelSize(k));
  if (s <= 0) throw new TorchError(problem.stride(s));
  if (p < 0) throw new TorchError(problem.padding(p));
  if (p > cppDiv(k, 2)) throw new TorchError(problem.paddingOverHalf(p, k));
  if (d <= 0) throw new TorchError(problem.dilation(d));
  const out = poolingOutputSize(shape[r - 1]!, k, p, s, d, args.ceilMode);
  if (out < 0) throw new TorchError(problem.outputSize(out));
  return windowPlan('max', op, shape, [out], [k], [s], [p], [d]);
}

/** Validates a max_pool{1,2,3}d call and returns its plan, or throws PyTorch's error. */
export function planMaxPool(shape: readonly number[], args: MaxPoolArgs): WindowPlan {
  checkShape(shape);
  return args.rank === 1 ? planMaxPool1d(shape, args) : planDilatedMaxPool(args.rank, shape, args);
}
