// The one place that checks pooling arguments and input shapes. It turns them into a plan (sizes, window
// geometry, output shape) that both the GPU launchers and the CPU reference execute, so the two can never
// disagree on what PyTorch accepts. Checks run in PyTorch 1.13's order (aten Pool.h, AveragePool2d.cpp,
// AdaptiveAveragePooling.cpp, torch/nn/functional.py), so the first error is PyTorch's first error.
import { TorchError, messages } from './errors.js';
import { checkShape } from './shape.js';

/** An int, or an (H, W) pair, as PyTorch's `_pair` accepts. */
export type IntOrPair = number | readonly [number, number];

export interface AvgPool2dOptions {
  /** Defaults to the kernel size (PyTorch's `stride=None`). */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** AdaptiveAvgPool2d's output size: an int, or a pair whose `null` members keep that input dimension. */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

/** Normalised AvgPool2d arguments. */
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

/** What every pooling op needs to run: the input seen as `planes` maps of inH×inW, and the output shape. */
export interface PlaneGeometry {
  inputShape: readonly number[];
  outputShape: number[];
  planes: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
}

export interface AvgPool2dPlan extends PlaneGeometry, AvgPool2dArgs {}

export interface AdaptiveAvgPool2dPlan extends PlaneGeometry {
  /**
   * PyTorch computes a 1×1 adaptive pool as `mean` over the last two dims, skipping the rank checks:
   * any rank ≥ 2 is accepted and an empty map gives NaN. The plan records that path.
   */
  isGlobalMean: boolean;
}

function checkInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${op}(): argument '${name}' must be an int or a pair of ints, but got ${String(value)}`);
  }
  return value;
}

/**
 * An int or a list of one or two ints as (H, W), or PyTorch's error for another length (`what`: its words);
 * an empty stride means the kernel size.
 */
function pair(op: string, name: string, value: IntOrPair | readonly number[], what: string, empty?: [number, number]): [number, number] {
  if (Array.isArray(value)) {
    const values = (value as readonly unknown[]).map((v) => checkInteger(op, name, v));
    if (values.length === 0 && empty) return empty;
    if (values.length === 1) return [values[0]!, values[0]!];
    if (values.length !== 2) throw new TorchError(`${op}: ${name} ${what}`);
    return values as [number, number];
  }
  const v = checkInteger(op, name, value);
  return [v, v];
}

/** Normalises AvgPool2d's arguments; types and list lengths only. The value checks run in `checkAvgPool2dArgs`. */
export function resolveAvgPool2dArgs(kernelSize: IntOrPair, options: AvgPool2dOptions = {}): AvgPool2dArgs {
  const op = 'avg_pool2d';
  const [kernelH, kernelW] = pair(op, 'kernel_size', kernelSize, 'must either be a single int, or a tuple of two ints');
  const stride = options.stride ?? null;
  const [strideH, strideW] = stride === null ? [kernelH, kernelW] : pair(op, 'stride', stride, 'must either be omitted, a single int, or a tuple of two ints', [kernelH, kernelW]);
  const [padH, padW] = pair(op, 'padding', options.padding ?? 0, 'must either be a single int, or a tuple of two ints');
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null) checkInteger(op, 'divisor_override', divisorOverride);
  return {
    kernelH, kernelW, strideH, strideW, padH, padW,
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
  };
}

/** C++ integer division (truncates toward zero), as PyTorch's `kernelSize / 2`. */
const cppDiv = (a: number, b: number) => Math.trunc(a / b);

/**
 * Checks done by `pooling_output_shape` for one dimension, in today's wording (1.13 said "... half of kernel size,
 * but got pad=2 and kernel_size=3"; shared/REFERENCE.md): the pad is checked against the effective (dilated) kernel.
 */
export function checkPoolingDim(kernel: number, pad: number, stride: number, dilation = 1): void {
  if (stride === 0) throw new TorchError(messages.strideZero());
  if (pad < 0) throw new TorchError(messages.padNegative(pad));
  if (pad > cppDiv((kernel - 1) * dilation + 1, 2)) throw new TorchError(messages.padTooLarge(pad, kernel, dilation));
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

/** PyTorch's `pooling_output_shape` (after its checks), with ceil mode's rule that the last window starts inside. */
export function pooledSize(input: number, kernel: number, pad: number, stride: number, ceilMode: boolean, dilation = 1): number {
  const span = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= input + pad) out -= 1;
  return out;
}

/** Validates an avg_pool2d call and returns its plan, or throws PyTorch's error. */
export function planAvgPool2d(shape: readonly number[], args: AvgPool2dArgs): AvgPool2dPlan {
  checkShape(shape);
  const rank = shape.length;
  checkAvgPool2dArgs(args, () => {
    if (rank < 3) throw new TorchError(messages.dimensionOutOfRange(rank, -3), 'IndexError');
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
  const leading = shape.slice(0, -2);
  return {
    ...args,
    inputShape: shape,
    outputShape: [...leading, outH, outW],
    planes: leading.reduce((a, b) => a * b, 1),
    inH, inW, outH, outW,
  };
}

/**
 * Resolves `null` members against the input (torch/nn/functional.py's `_list_with_default`, whose too-short input is
 * a ValueError), then PyTorch's length check.
 */
function resolveAdaptiveSize(shape: readonly number[], outputSize: AdaptiveOutputSize): [number, number] {
  const op = 'adaptive_avg_pool2d';
  if (!Array.isArray(outputSize)) {
    const size = checkInteger(op, 'output_size', outputSize);
    return [size, size];
  }
  const sizes = outputSize as readonly (number | null)[];
  if (shape.length <= sizes.length) throw new TorchError(messages.adaptiveInputTooSmall(sizes.length + 1), 'ValueError');
  const defaults = shape.slice(shape.length - sizes.length);
  const resolved = sizes.map((size, i) => (size === null ? defaults[i]! : checkInteger(op, 'output_size', size)));
  if (resolved.length !== 2) throw new TorchError(`${op}: output_size must be 2`);
  return resolved as [number, number];
}

/**
 * The argument checks of adaptive_avg_pool2d that do not depend on the input; modules run them at construction
 * (a list of another length than 2 is PyTorch's error at forward, once the input is known).
 */
export function checkAdaptiveOutputSize(outputSize: AdaptiveOutputSize): void {
  const op = 'adaptive_avg_pool2d';
  const sizes = (Array.isArray(outputSize) ? outputSize : [outputSize, outputSize]) as readonly (number | null)[];
  sizes.forEach((s) => s === null || checkInteger(op, 'output_size', s));
  if (sizes.length !== 2) return;
  const [h, w] = sizes as [number | null, number | null];
  if ((h ?? 0) < 0 || (w ?? 0) < 0) throw new TorchError(messages.adaptiveNegative(h ?? 0, w ?? 0));
}

/** Validates an adaptive_avg_pool2d call and returns its plan, or throws PyTorch's error. */
export function planAdaptiveAvgPool2d(shape: readonly number[], outputSize: AdaptiveOutputSize): AdaptiveAvgPool2dPlan {
  checkShape(shape);
  const [outH, outW] = resolveAdaptiveSize(shape, outputSize);
  if (outH < 0 || outW < 0) throw new TorchError(messages.adaptiveNegative(outH, outW));
  const rank = shape.length;
  const isGlobalMean = outH === 1 && outW === 1;
  if (isGlobalMean) {
    if (rank < 2) throw new TorchError(messages.dimensionOutOfRange(rank, -2), 'IndexError');
  } else {
    if (rank !== 3 && rank !== 4) throw new TorchError(messages.adaptiveInputRank(shape));
    // PyTorch 1.13 checks only the two spatial dims here; an empty channel dim gives an empty output.
    for (const dim of [rank - 2, rank - 1]) {
      if (shape[dim] === 0) throw new TorchError(messages.adaptiveEmptyDim(shape, dim));
    }
  }
  const leading = shape.slice(0, -2);
  const [inH, inW] = shape.slice(-2) as [number, number];
  return {
    inputShape: shape,
    outputShape: [...leading, outH, outW],
    planes: leading.reduce((a, b) => a * b, 1),
    inH, inW, outH, outW,
    isGlobalMean,
  };
}

/** PyTorch's integer adaptive window bounds: rows [start, end) of the input feed output row `index`. */
export function adaptiveWindow(index: number, outSize: number, inSize: number): [number, number] {
  const start = Math.floor((index * inSize) / outSize);
  const end = Math.floor(((index + 1) * inSize + outSize - 1) / outSize);
  return [start, end];
}

/**
 * The input rows (or columns) [start, end) that one AvgPool2d window covers, and the count that
 * count_include_pad divides by: the window clipped at in+pad (never the ceil-mode overhang), then to the input.
 */
export function avgPoolWindow(index: number, stride: number, pad: number, kernel: number, inSize: number) {
  const paddedStart = index * stride - pad;
  const paddedEnd = Math.min(paddedStart + kernel, inSize + pad);
  return {
    start: Math.max(paddedStart, 0),
    end: Math.min(paddedEnd, inSize),
    paddedCount: paddedEnd - paddedStart,
  };
}
