// Plans of the pooling ops over fixed windows, of every rank: the window plan itself, average pooling and LP pooling
// (max pooling: maxPoolPlan.ts). Each checks its arguments and input in PyTorch 1.13's order (aten's Pool.h, AveragePool2d.cpp,
// AveragePool3d.cpp, DilatedMaxPool2d/3d.cpp, MaxPooling.cpp, torch/nn/functional.py), so the first error is
// PyTorch's first error, in its words. The GPU launchers and the CPU reference both execute the plan.
import { TorchError, messages as coreMessages } from '../../core/errors.js';
import { checkShape } from '../../core/shape.js';
import {
  asTriple,
  avgPoolWindow,
  check1d,
  checkDimRange,
  checkInt,
  checkPoolingDim,
  cppDiv,
  intList,
  pooledSize,
  poolingOutputSize,
  product,
  sizedOr,
  squeezed,
  unsqueezed,
  volumeGeometry,
  type IntOrPair,
  type IntOrTuple,
  type Triple,
  type VolumeGeometry,
} from './args.js';
import { poolingMessages as messages } from './messages.js';

export interface AvgPool2dOptions {
  /** Defaults to the kernel size (PyTorch's `stride=None`). */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export interface AvgPool1dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

export interface AvgPool3dOptions extends AvgPool1dOptions {
  divisorOverride?: number | null;
}

export interface LPPoolOptions {
  stride?: IntOrTuple | null;
  ceilMode?: boolean;
}

/** A pooling over fixed windows (max, average or LP), in 3-D. */
export interface WindowPlan extends VolumeGeometry {
  mode: 'max' | 'avg' | 'lp';
  kernel: Triple;
  stride: Triple;
  padding: Triple;
  dilation: Triple;
  countIncludePad: boolean;
  divisorOverride: number | null;
  /** LP pooling's p. */
  normType: number;
  /** LP pooling's multiplier: the kernel's area as PyTorch's formula has it (kw·kh, or the 1-D kernel). */
  kernelArea: number;
  returnIndices: boolean;
}

export function windowPlan(
  mode: WindowPlan['mode'],
  op: string,
  shape: readonly number[],
  out: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
  extra: Partial<Pick<WindowPlan, 'countIncludePad' | 'divisorOverride' | 'returnIndices'>> = {},
): WindowPlan {
  return {
    mode,
    ...volumeGeometry(op, shape, out),
    kernel: asTriple(kernel, 1),
    stride: asTriple(stride, 1),
    padding: asTriple(padding, 0),
    dilation: asTriple(dilation, 1),
    countIncludePad: extra.countIncludePad ?? true,
    divisorOverride: extra.divisorOverride ?? null,
    normType: 1,
    kernelArea: 1,
    returnIndices: extra.returnIndices ?? false,
  };
}

/**
 * The divisor when an average pool's single output window covers the whole input volume (e.g. AvgPool2d(7) on
 * 7×7, the fixed ResNet head), so the global reduction can run it; null otherwise.
 */
export function wholeVolumeDivisor(plan: WindowPlan): number | null {
  if (plan.mode !== 'avg' || plan.output.some((size) => size !== 1)) return null;
  const windows = plan.input.map((size, i) => avgPoolWindow(0, plan.stride[i]!, plan.padding[i]!, plan.kernel[i]!, size));
  if (windows.some((w, i) => w.start !== 0 || w.end !== plan.input[i])) return null;
  return plan.divisorOverride ?? (plan.countIncludePad ? product(windows.map((w) => w.paddedCount)) : product(plan.input));
}

// ---- average pooling ---------------------------------------------------------------------------------------

/** Normalised AvgPool2d arguments (nn.AvgPool2d's `args`). */
export interface AvgPool2dArgs {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
}

const PAIR = 'an int or a pair of ints';

/** Normalises AvgPool2d's arguments; types and list lengths only. The value checks run in `checkAvgPool2dArgs`. */
export function resolveAvgPool2dArgs(kernelSize: IntOrPair, options: AvgPool2dOptions = {}): AvgPool2dArgs {
  const op = 'avg_pool2d';
  const list = (name: string, value: IntOrPair | null | undefined) => intList(op, name, value, 2, PAIR);
  const [kernelH, kernelW] = sizedOr(op, 'kernel_size', 'must either be a single int, or a tuple of two ints', list('kernel_size', kernelSize), 2) as [
    number,
    number,
  ];
  const [strideH, strideW] = sizedOr(op, 'stride', 'must either be omitted, a single int, or a tuple of two ints', list('stride', options.stride ?? null), 2, [
    kernelH,
    kernelW,
  ]) as [number, number];
  const [padH, padW] = sizedOr(op, 'padding', 'must either be a single int, or a tuple of two ints', list('padding', options.padding ?? 0), 2) as [
    number,
    number,
  ];
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null) checkInt(op, 'divisor_override', divisorOverride, PAIR);
  return {
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
  };
}

/** The argument checks of avg_pool2d that do not depend on the input; modules run them at construction. */
export function checkAvgPool2dArgs(args: AvgPool2dArgs, beforeDims: () => void = () => {}): void {
  if (args.divisorOverride === 0) throw new TorchError(messages.divisorZero());
  beforeDims(); // PyTorch reads input.size(-3) here, before the per-dimension checks
  checkPoolingDim(args.kernelH, args.padH, args.strideH);
  checkPoolingDim(args.kernelW, args.padW, args.strideW);
  if (args.kernelH <= 0 || args.kernelW <= 0) throw new TorchError(messages.kernelNotPositive(args.kernelH, args.kernelW));
  if (args.strideH <= 0 || args.strideW <= 0) throw new TorchError(messages.strideNotPositive(args.strideH, args.strideW));
}

/** Validates an avg_pool2d call and returns its plan, or throws PyTorch's error. */
export function planAvgPool2d(shape: readonly number[], args: AvgPool2dArgs, op = 'avg_pool2d'): WindowPlan {
  checkShape(shape);
  const rank = shape.length;
  checkAvgPool2dArgs(args, () => {
    if (rank < 3) throw new TorchError(coreMessages.dimensionOutOfRange(rank, -3), 'IndexError');
  });
  const [inH, inW] = shape.slice(-2) as [number, number];
  const channels = shape[rank - 3]!;
  const validDims = channels !== 0 && inH !== 0;
  if (!((rank === 3 && shape[0] !== 0 && validDims) || (rank === 4 && validDims && inW !== 0))) {
    throw new TorchError(messages.avgPoolInputRank(shape));
  }
  const outH = pooledSize(inH, args.kernelH, args.padH, args.strideH, args.ceilMode);
  const outW = pooledSize(inW, args.kernelW, args.padW, args.strideW, args.ceilMode);
  if (outH < 1 || outW < 1) throw new TorchError(messages.outputTooSmall(channels, inH, inW, outH, outW));
  return windowPlan('avg', op, shape, [outH, outW], [args.kernelH, args.kernelW], [args.strideH, args.strideW], [args.padH, args.padW], [1, 1], {
    countIncludePad: args.countIncludePad,
    divisorOverride: args.divisorOverride,
  });
}

/** avg_pool1d / avg_pool3d arguments as PyTorch receives them (lists keep their length for its checks). */
export interface AvgPoolNdArgs {
  rank: 1 | 3;
  kernel: number[];
  stride: number[];
  padding: number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
}

export function resolveAvgPoolArgs(rank: 1 | 3, kernelSize: IntOrTuple, options: AvgPool3dOptions = {}): AvgPoolNdArgs {
  const op = `avg_pool${rank}d`;
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null) checkInt(op, 'divisor_override', divisorOverride);
  return {
    rank,
    kernel: intList(op, 'kernel_size', kernelSize, rank),
    stride: intList(op, 'stride', options.stride ?? null, rank),
    padding: intList(op, 'padding', options.padding ?? 0, rank),
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
  };
}

/** avg_pool1d: PyTorch checks its lists, then runs avg_pool2d on (…, 1, L) with a 1×k kernel. */
export function planAvgPool1d(shape: readonly number[], args: AvgPoolNdArgs, op = 'avg_pool1d'): WindowPlan {
  checkShape(shape);
  const stride = args.stride.length === 0 ? args.kernel : args.stride;
  checkDimRange('avg_pool1d', shape, 2, 4);
  const k = check1d('avg_pool1d', 'kernel_size', args.kernel);
  const s = check1d('avg_pool1d', 'stride', stride);
  const p = check1d('avg_pool1d', 'padding', args.padding);
  const args2d: AvgPool2dArgs = {
    kernelH: 1,
    kernelW: k,
    strideH: 1,
    strideW: s,
    padH: 0,
    padW: p,
    ceilMode: args.ceilMode,
    countIncludePad: args.countIncludePad,
    divisorOverride: null,
  };
  return squeezed(planAvgPool2d(unsqueezed(shape), args2d), op, shape);
}

/** avg_pool3d (AveragePool3d.cpp's checks). */
export function planAvgPool3d(shape: readonly number[], args: AvgPoolNdArgs): WindowPlan {
  checkShape(shape);
  const op = 'avg_pool3d';
  const kernel = sizedOr(op, 'kernel_size', 'must be a single int, or a tuple of three ints', args.kernel, 3);
  const stride = sizedOr(op, 'stride', 'must be omitted, a single int, or a tuple of three ints', args.stride, 3, kernel);
  const padding = sizedOr(op, 'padding', 'must be a single int, or a tuple of three ints', args.padding, 3);
  if (shape.length !== 4 && shape.length !== 5) throw new TorchError(messages.poolInputRank(4));
  if (args.divisorOverride === 0) throw new TorchError(messages.divisorZero());
  const spatial = shape.slice(-3);
  const out = spatial.map((size, i) => poolingOutputSize(size, kernel[i]!, padding[i]!, stride[i]!, 1, args.ceilMode));
  check3dShape('avg_pool3d()', shape, kernel, stride, padding, [1, 1, 1], spatial, out, true);
  return windowPlan('avg', op, shape, out, kernel, stride, padding, [1, 1, 1], {
    countIncludePad: args.countIncludePad,
    divisorOverride: args.divisorOverride,
  });
}

/** PyTorch's `pool3d_shape_check`, after the output sizes are computed. */
export function check3dShape(
  fn: string,
  shape: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
  spatial: readonly number[],
  out: readonly number[],
  checkInputSize: boolean,
): void {
  if (kernel.some((k) => k <= 0)) throw new TorchError(messages.kernelNotPositive3d(kernel));
  if (stride.some((s) => s <= 0)) throw new TorchError(messages.strideNotPositive3d(stride));
  if (dilation.some((d) => d <= 0)) throw new TorchError(messages.dilationNotPositive3d(dilation));
  for (let i = shape.length === 5 ? 1 : 0; i < shape.length; i++) {
    if (!(shape[i]! > 0)) throw new TorchError(messages.pool3dEmptyDim(fn, shape));
  }
  if (checkInputSize && spatial.some((size, i) => size < kernel[i]!)) throw new TorchError(messages.pool3dInputSmallerThanKernel(spatial, kernel));
  if (kernel.some((k, i) => cppDiv(k, 2) < padding[i]!)) throw new TorchError(messages.padOverHalfKernel3d(kernel, padding));
  if (out.some((o) => o < 1)) throw new TorchError(messages.outputTooSmall3d(shape[shape.length - 4]!, spatial, out));
}

// ---- LP pooling --------------------------------------------------------------------------------------------

export interface LPPoolArgs {
  rank: 1 | 2;
  normType: number;
  kernel: number[];
  stride: number[] | null;
  ceilMode: boolean;
}

export function resolveLPPoolArgs(rank: 1 | 2, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}): LPPoolArgs {
  const op = `lp_pool${rank}d`;
  if (typeof normType !== 'number' || Number.isNaN(normType)) throw new TypeError(messages.normTypeNotNumber(op, normType));
  return {
    rank,
    normType,
    kernel: intList(op, 'kernel_size', kernelSize, rank),
    stride: options.stride === null || options.stride === undefined ? null : intList(op, 'stride', options.stride, rank),
    ceilMode: options.ceilMode ?? false,
  };
}

/**
 * lp_pool1d / lp_pool2d, as torch/nn/functional.py computes them: avg_pool(x^p, kernel, stride, 0, ceil_mode) (its
 * count_include_pad divisor: the window clipped to the input), then sign(out)·relu(|out|), times the kernel's
 * area, to the power 1/p. The average pool's checks are PyTorch's errors.
 */
export function planLPPool(shape: readonly number[], args: LPPoolArgs): WindowPlan {
  checkShape(shape);
  const op = `lp_pool${args.rank}d`;
  let pooled: WindowPlan;
  if (args.rank === 1) {
    pooled = planAvgPool1d(
      shape,
      { rank: 1, kernel: args.kernel, stride: args.stride ?? [], padding: [0], ceilMode: args.ceilMode, countIncludePad: true, divisorOverride: null },
      op,
    );
  } else {
    // `kw, kh = _pair(kernel_size)` comes first.
    if (args.kernel.length < 2) throw new TorchError(coreMessages.notEnoughValuesToUnpack(2, args.kernel.length), 'ValueError');
    if (args.kernel.length > 2) throw new TorchError(coreMessages.tooManyValuesToUnpack(2), 'ValueError');
    const [kernelH, kernelW] = args.kernel as [number, number];
    const [strideH, strideW] =
      args.stride === null
        ? [kernelH, kernelW]
        : sizedOr('avg_pool2d', 'stride', 'must either be omitted, a single int, or a tuple of two ints', args.stride, 2, [kernelH, kernelW]);
    pooled = planAvgPool2d(
      shape,
      { kernelH, kernelW, strideH: strideH!, strideW: strideW!, padH: 0, padW: 0, ceilMode: args.ceilMode, countIncludePad: true, divisorOverride: null },
      op,
    );
  }
  if (args.normType === 0) throw new TorchError(messages.floatDivisionByZero(), 'ZeroDivisionError');
  return { ...pooled, mode: 'lp', normType: args.normType, kernelArea: pooled.kernel[1] * pooled.kernel[2] };
}
