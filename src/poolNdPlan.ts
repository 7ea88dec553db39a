// The rest of PyTorch's pooling family, planned for every rank at once: max pooling (with indices and dilation),
// 1-D and 3-D average pooling, LP pooling, adaptive average and max pooling, and max unpooling. Each op checks its
// arguments and input in PyTorch 1.13's order (aten's Pool.h, DilatedMaxPool2d/3d.cpp, MaxPooling.cpp,
// AveragePool3d.cpp, AdaptiveMaxPooling2d/3d.cpp, AdaptiveAveragePooling3d.cpp, MaxUnpooling.cpp and
// torch/nn/functional.py), so the first error is PyTorch's first error, with its words.
//
// Every plan describes the input as `planes` volumes of D×H×W and the output as planes of oD×oH×oW: 1-D and 2-D
// ops are 3-D ops with unit leading dims (PyTorch itself runs the 1-D ops as 2-D ones), so one kernel and one
// reference serve every rank. avg_pool1d and adaptive_avg_pool1d run as avg_pool2d / adaptive_avg_pool2d on the
// input with a unit H, as PyTorch does (poolingPlan.ts holds those plans).
import { TorchError, messages } from './errors.js';
import {
  checkPoolingDim,
  planAdaptiveAvgPool2d,
  planAvgPool2d,
  pooledSize,
  type AdaptiveAvgPool2dPlan,
  type AvgPool2dArgs,
  type AvgPool2dPlan,
} from './poolingPlan.js';
import { checkShape } from './shape.js';

export type Rank = 1 | 2 | 3;
/** An int, or a list of ints (PyTorch's `int[N]` arguments: an int stands for N copies). */
export type IntOrTuple = number | readonly number[];
/** An adaptive output size: an int, or a list whose `null` members keep that input dimension. */
export type AdaptiveSize = number | readonly (number | null)[];
export type Triple = [number, number, number];

export interface MaxPoolOptions {
  /** Defaults to the kernel size (PyTorch's `stride=None`). */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  /** Also return the argmax of each window: its flat position within the input plane (an int32 tensor). */
  returnIndices?: boolean;
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

export interface AdaptiveMaxPoolOptions {
  returnIndices?: boolean;
}

export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}

/** The input as planes of D×H×W, the output as planes of oD×oH×oW. */
export interface VolumeGeometry {
  inputShape: readonly number[];
  outputShape: number[];
  planes: number;
  input: Triple;
  output: Triple;
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

export interface AdaptivePlan extends VolumeGeometry {
  mode: 'avg' | 'max';
  returnIndices: boolean;
  /** adaptive_avg_pool3d to 1×1×1 is a mean over the last three dims (any rank ≥ 3), as in PyTorch. */
  isGlobalMean: boolean;
}

export interface UnpoolPlan extends VolumeGeometry {
  rank: Rank;
}

const cppDiv = (a: number, b: number) => Math.trunc(a / b);
const product = (values: readonly number[]) => values.reduce((a, b) => a * b, 1);

function checkInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${op}(): argument '${name}' must be an int or a list of ints, but got ${String(value)}`);
  }
  return value;
}

/** PyTorch's `int[N]` argument parsing: an int is N copies, a list keeps its length (checked by the op). */
export function intList(op: string, name: string, value: IntOrTuple | null | undefined, copies: number): number[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'number') return new Array<number>(copies).fill(checkInt(op, name, value));
  if (!Array.isArray(value)) throw new TypeError(`${op}(): argument '${name}' must be an int or a list of ints, but got ${String(value)}`);
  return value.map((v) => checkInt(op, name, v));
}

/** The geometry of pooling the last `out.length` dims of `shape` to `out`. */
function volumeGeometry(shape: readonly number[], out: readonly number[]): VolumeGeometry {
  const rank = out.length;
  const leading = shape.slice(0, shape.length - rank);
  return {
    inputShape: shape,
    outputShape: [...leading, ...out],
    planes: product(leading),
    input: asTriple(shape.slice(shape.length - rank), 1),
    output: asTriple(out, 1),
  };
}

/** The spatial dims as [D, H, W] (leading 1s for lower ranks). */
function asTriple(values: readonly number[], fill: number): Triple {
  return [...new Array<number>(3 - values.length).fill(fill), ...values] as Triple;
}

/** PyTorch's `pooling_output_shape` with its checks: the pad against the effective kernel, then the size. */
export function poolingOutputSize(input: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  checkPoolingDim(kernel, pad, stride, dilation);
  return pooledSize(input, kernel, pad, stride, ceilMode, dilation);
}

// ---- max pooling -------------------------------------------------------------------------------------------

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

/** A list of length 1 or `rank` (stride also 0: omitted) as `rank` values, or PyTorch's length error. */
function sized(values: number[], rank: number, orElse: () => never, fallback?: readonly number[]): number[] {
  if (values.length === 0 && fallback) return [...fallback];
  if (values.length === 1) return new Array<number>(rank).fill(values[0]!);
  if (values.length !== rank) orElse();
  return values;
}

const RANK_WORD = { 2: 'two', 3: 'three' } as const;

/** max_pool2d / max_pool3d (with indices: PyTorch's `max_pool{2,3}d_with_indices`, the values-only path too). */
function planDilatedMaxPool(rank: 2 | 3, shape: readonly number[], args: MaxPoolArgs): WindowPlan {
  const op = `max_pool${rank}d`;
  const word = RANK_WORD[rank];
  const fail = (name: string, what: string) => () => {
    throw new TorchError(messages.poolArgumentLength(op, name, what));
  };
  const kernel = sized(args.kernel, rank, fail('kernel_size', `must either be a single int, or a tuple of ${word} ints`));
  const stride = sized(args.stride, rank, fail('stride', `must either be omitted, a single int, or a tuple of ${word} ints`), kernel);
  const padding = sized(args.padding, rank, fail('padding', `must be either be a single int, or a tuple of ${word} ints`));
  const dilationWords = rank === 2 ? 'must be either a single int, or a tuple of two ints' : 'must be either a single int, or a tuple of three ints';
  const dilation = sized(args.dilation, rank, fail('dilation', dilationWords));
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
  return windowPlan('max', shape, out, kernel, stride, padding, dilation, args.returnIndices);
}

/** PyTorch's `pool3d_shape_check`, after the output sizes are computed. */
function check3dShape(
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

function windowPlan(
  mode: WindowPlan['mode'],
  shape: readonly number[],
  out: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
  returnIndices: boolean,
  extra: Partial<Pick<WindowPlan, 'countIncludePad' | 'divisorOverride' | 'normType' | 'kernelArea'>> = {},
): WindowPlan {
  return {
    mode,
    ...volumeGeometry(shape, out),
    kernel: asTriple(kernel, 1),
    stride: asTriple(stride, 1),
    padding: asTriple(padding, 0),
    dilation: asTriple(dilation, 1),
    countIncludePad: extra.countIncludePad ?? true,
    divisorOverride: extra.divisorOverride ?? null,
    normType: extra.normType ?? 1,
    kernelArea: extra.kernelArea ?? 1,
    returnIndices,
  };
}

/** PyTorch's `checkDimRange(op, self, low, high)`: low ≤ rank < high. */
function checkDimRange(op: string, shape: readonly number[], low: number, high: number): void {
  if (shape.length < low || shape.length >= high) throw new TorchError(messages.dimRange(op, shape.length, low, high - 1));
}

/** PyTorch's `check1d`: a 1-D op's list argument holds one int. */
function check1d(op: string, name: string, values: readonly number[]): number {
  if (values.length !== 1) throw new TorchError(messages.oneInt(op, name, values.length));
  return values[0]!;
}

/** The shape with a unit dim inserted before the last (PyTorch's `unsqueeze(-2)` of the 1-D ops). */
const unsqueezed = (shape: readonly number[]) => [...shape.slice(0, -1), 1, shape[shape.length - 1]!];

/** max_pool1d: with indices PyTorch runs max_pool2d on (…, 1, L); without, its own checks and kernel. */
function planMaxPool1d(shape: readonly number[], args: MaxPoolArgs): WindowPlan {
  if (args.returnIndices) {
    const stride = args.stride.length === 0 ? args.kernel : args.stride;
    checkDimRange('max_pool1d', shape, 2, 4);
    const k = check1d('max_pool1d', 'kernel_size', args.kernel);
    const s = check1d('max_pool1d', 'stride', stride);
    const p = check1d('max_pool1d', 'padding', args.padding);
    const d = check1d('max_pool1d', 'dilation', args.dilation);
    const plan = planDilatedMaxPool(2, unsqueezed(shape), { ...args, rank: 2, kernel: [1, k], stride: [1, s], padding: [0, p], dilation: [1, d] });
    return { ...plan, inputShape: shape, outputShape: [...shape.slice(0, -1), plan.output[2]] };
  }
  const r = shape.length;
  if (!((r === 2 && shape[0] !== 0 && shape[1] !== 0) || (r === 3 && shape[1] !== 0 && shape[2] !== 0))) {
    throw new TorchError(messages.maxPool1dInput(shape));
  }
  const problem = (text: string) => new TorchError(messages.maxPool1dArgument(text));
  if (args.kernel.length !== 1) throw problem(`kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ${args.kernel.length}`);
  if (args.stride.length > 1) throw problem(`stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${args.stride.length}`);
  if (args.padding.length !== 1) throw problem(`padding must be an int, list of ints, or tuple of ints of size 1 but got size ${args.padding.length}`);
  if (args.dilation.length !== 1) throw problem(`dilation must be an int, list of ints or tuple of ints of size 1 but got size ${args.dilation.length}`);
  const [k] = args.kernel as [number];
  const [s] = (args.stride.length ? args.stride : args.kernel) as [number];
  const [p] = args.padding as [number];
  const [d] = args.dilation as [number];
  if (k <= 0) throw problem(`kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw problem(`stride must be greater than zero, but got ${s}`);
  if (p < 0) throw problem(`padding must be non-negative, but got ${p}`);
  if (p > cppDiv(k, 2)) throw problem(`padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw problem(`dilation must be greater than zero, but got ${d}`);
  const length = shape[r - 1]!;
  const out = poolingOutputSize(length, k, p, s, d, args.ceilMode);
  if (out < 0) throw problem(`Invalid computed output size: ${out}`);
  return windowPlan('max', shape, [out], [k], [s], [p], [d], false);
}

/** Validates a max_pool{1,2,3}d call and returns its plan, or throws PyTorch's error. */
export function planMaxPool(shape: readonly number[], args: MaxPoolArgs): WindowPlan {
  checkShape(shape);
  return args.rank === 1 ? planMaxPool1d(shape, args) : planDilatedMaxPool(args.rank, shape, args);
}

// ---- average pooling (1-D, 3-D) and LP pooling ------------------------------------------------------------

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
export function planAvgPool1d(shape: readonly number[], args: AvgPoolNdArgs): AvgPool2dPlan {
  checkShape(shape);
  const stride = args.stride.length === 0 ? args.kernel : args.stride;
  checkDimRange('avg_pool1d', shape, 2, 4);
  const k = check1d('avg_pool1d', 'kernel_size', args.kernel);
  const s = check1d('avg_pool1d', 'stride', stride);
  const p = check1d('avg_pool1d', 'padding', args.padding);
  const args2d: AvgPool2dArgs = {
    kernelH: 1, kernelW: k, strideH: 1, strideW: s, padH: 0, padW: p,
    ceilMode: args.ceilMode, countIncludePad: args.countIncludePad, divisorOverride: null,
  };
  const plan = planAvgPool2d(unsqueezed(shape), args2d);
  return { ...plan, inputShape: shape, outputShape: [...shape.slice(0, -1), plan.outW] };
}

/** avg_pool3d (AveragePool3d.cpp's checks). */
export function planAvgPool3d(shape: readonly number[], args: AvgPoolNdArgs): WindowPlan {
  checkShape(shape);
  const fail = (name: string, what: string) => () => {
    throw new TorchError(messages.poolArgumentLength('avg_pool3d', name, what));
  };
  const kernel = sized(args.kernel, 3, fail('kernel_size', 'must be a single int, or a tuple of three ints'));
  const stride = sized(args.stride, 3, fail('stride', 'must be omitted, a single int, or a tuple of three ints'), kernel);
  const padding = sized(args.padding, 3, fail('padding', 'must be a single int, or a tuple of three ints'));
  if (shape.length !== 4 && shape.length !== 5) throw new TorchError(messages.poolInputRank(4));
  if (args.divisorOverride === 0) throw new TorchError(messages.divisorZero());
  const spatial = shape.slice(-3);
  const out = spatial.map((size, i) => poolingOutputSize(size, kernel[i]!, padding[i]!, stride[i]!, 1, args.ceilMode));
  check3dShape('avg_pool3d()', shape, kernel, stride, padding, [1, 1, 1], spatial, out, true);
  return windowPlan('avg', shape, out, kernel, stride, padding, [1, 1, 1], false, {
    countIncludePad: args.countIncludePad,
    divisorOverride: args.divisorOverride,
  });
}

export interface LPPoolArgs {
  rank: 1 | 2;
  normType: number;
  kernel: number[];
  stride: number[] | null;
  ceilMode: boolean;
}

export function resolveLPPoolArgs(rank: 1 | 2, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}): LPPoolArgs {
  const op = `lp_pool${rank}d`;
  if (typeof normType !== 'number' || Number.isNaN(normType)) throw new TypeError(`${op}(): norm_type must be a number, but got ${String(normType)}`);
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
  let pooled: AvgPool2dPlan;
  let kernelArea: number;
  if (args.rank === 1) {
    pooled = planAvgPool1d(shape, { rank: 1, kernel: args.kernel, stride: args.stride ?? [], padding: [0], ceilMode: args.ceilMode, countIncludePad: true, divisorOverride: null });
    kernelArea = pooled.kernelW;
  } else {
    // `kw, kh = _pair(kernel_size)` comes first.
    if (args.kernel.length < 2) throw new TorchError(messages.notEnoughValuesToUnpack(2, args.kernel.length), 'ValueError');
    if (args.kernel.length > 2) throw new TorchError(messages.tooManyValuesToUnpack(2), 'ValueError');
    const [kernelH, kernelW] = args.kernel as [number, number];
    let strideH = kernelH;
    let strideW = kernelW;
    if (args.stride !== null) {
      [strideH, strideW] = sized(args.stride, 2, () => {
        throw new TorchError(messages.poolArgumentLength('avg_pool2d', 'stride', 'must either be omitted, a single int, or a tuple of two ints'));
      }, [kernelH, kernelW]) as [number, number];
    }
    pooled = planAvgPool2d(shape, { kernelH, kernelW, strideH, strideW, padH: 0, padW: 0, ceilMode: args.ceilMode, countIncludePad: true, divisorOverride: null });
    kernelArea = kernelH * kernelW;
  }
  if (args.normType === 0) throw new TorchError(messages.floatDivisionByZero(), 'ZeroDivisionError');
  const out = args.rank === 1 ? [pooled.outW] : [pooled.outH, pooled.outW];
  const kernel = args.rank === 1 ? [pooled.kernelW] : [pooled.kernelH, pooled.kernelW];
  const stride = args.rank === 1 ? [pooled.strideW] : [pooled.strideH, pooled.strideW];
  return windowPlan('lp', shape, out, kernel, stride, args.rank === 1 ? [0] : [0, 0], args.rank === 1 ? [1] : [1, 1], false, {
    normType: args.normType,
    kernelArea,
  });
}

// ---- adaptive pooling --------------------------------------------------------------------------------------

/** torch/nn/functional.py's `_list_with_default`: `null` members take the input's size; too short an input is a ValueError. */
function listWithDefault(size: AdaptiveSize, shape: readonly number[], op: string): number | number[] {
  if (typeof size === 'number') return checkInt(op, 'output_size', size);
  if (!Array.isArray(size)) throw new TypeError(`${op}(): argument 'output_size' must be an int or a list, but got ${String(size)}`);
  if (shape.length <= size.length) throw new TorchError(messages.adaptiveInputTooSmall(size.length + 1), 'ValueError');
  const defaults = shape.slice(shape.length - size.length);
  return size.map((v, i) => (v === null ? defaults[i]! : checkInt(op, 'output_size', v)));
}

const asList = (size: number | number[], rank: number) => (typeof size === 'number' ? new Array<number>(rank).fill(size) : size);

/** Validates an adaptive_avg_pool1d call: PyTorch runs adaptive_avg_pool2d on (…, 1, L) to (1, size). */
export function planAdaptiveAvgPool1d(shape: readonly number[], outputSize: AdaptiveSize): AdaptiveAvgPool2dPlan {
  checkShape(shape);
  checkDimRange('adaptive_avg_pool1d', shape, 2, 4);
  const size = typeof outputSize === 'number' ? [checkInt('adaptive_avg_pool1d', 'output_size', outputSize)] : outputSize.map((v) => checkInt('adaptive_avg_pool1d', 'output_size', v));
  const out = check1d('adaptive_avg_pool1d', 'output_size', size);
  const plan = planAdaptiveAvgPool2d(unsqueezed(shape), [1, out]);
  return { ...plan, inputShape: shape, outputShape: [...shape.slice(0, -1), plan.outW] };
}

function adaptivePlan(mode: 'avg' | 'max', shape: readonly number[], out: readonly number[], returnIndices: boolean, isGlobalMean = false): AdaptivePlan {
  return { mode, ...volumeGeometry(shape, out), returnIndices, isGlobalMean };
}

/** Validates an adaptive_avg_pool3d call. */
export function planAdaptiveAvgPool3d(shape: readonly number[], outputSize: AdaptiveSize): AdaptivePlan {
  checkShape(shape);
  const op = 'adaptive_avg_pool3d';
  const size = asList(listWithDefault(outputSize, shape, op), 3);
  if (size.length !== 3) throw new TorchError(messages.adaptiveOutputSizeLength(op, 3));
  if (size.some((s) => s < 0)) throw new TorchError(messages.adaptiveNegative3d(size));
  if (size.every((s) => s === 1)) {
    if (shape.length < 3) throw new TorchError(messages.dimensionOutOfRange(shape.length, -3), 'IndexError');
    return adaptivePlan('avg', shape, size, false, true);
  }
  for (let i = 1; i < shape.length; i++) {
    if (shape[i] === 0) throw new TorchError(messages.adaptiveEmptyDimOf(op, shape, i));
  }
  if (shape.length !== 4 && shape.length !== 5) throw new TorchError(messages.adaptiveRank(op, 4, shape, false));
  return adaptivePlan('avg', shape, size, false);
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
    checkDimRange('adaptive_max_pool1d', shape, 2, 4);
    const size = typeof args.outputSize === 'number' ? [checkInt('adaptive_max_pool1d', 'output_size', args.outputSize)] : args.outputSize.map((v) => checkInt('adaptive_max_pool1d', 'output_size', v));
    const out = check1d('adaptive_max_pool1d', 'output_size', size);
    const plan = checkAdaptiveMax(2, unsqueezed(shape), [1, out], args.returnIndices);
    return { ...plan, inputShape: shape, outputShape: [...shape.slice(0, -1), out] };
  }
  const op = `adaptive_max_pool${args.rank}d`;
  return checkAdaptiveMax(args.rank, shape, asList(listWithDefault(args.outputSize, shape, op), args.rank), args.returnIndices);
}

function checkAdaptiveMax(rank: 2 | 3, shape: readonly number[], size: number[], returnIndices: boolean): AdaptivePlan {
  const op = `adaptive_max_pool${rank}d`;
  if (shape.length !== rank + 1 && shape.length !== rank + 2) throw new TorchError(messages.adaptiveRank(op, rank + 1, shape, true));
  for (let i = 1; i < shape.length; i++) {
    if (shape[i] === 0) throw new TorchError(messages.adaptiveEmptyDimOf(op, shape, i));
  }
  if (size.length !== rank) throw new TorchError(messages.adaptiveMaxOutputSizeLength(op, rank));
  const outputShape = [...shape.slice(0, shape.length - rank), ...size];
  if (size.some((s) => s < 0)) throw new TorchError(messages.negativeDimension(outputShape));
  return adaptivePlan('max', shape, size, returnIndices);
}

// ---- max unpooling -----------------------------------------------------------------------------------------

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
 * Validates a max_unpool{1,2,3}d call: torch/nn/functional.py's `_unpool_output_size`, then the native checks
 * (the 1-D op runs as max_unpool2d on (…, L, 1)). `indicesDtype` is PyTorch's name of the indices' type: the kit's
 * int32 tensors stand for PyTorch's int64 ones ("Long"). The indices' values are checked where they live (on the
 * GPU, or in the reference).
 */
export function planMaxUnpool(
  shape: readonly number[],
  indicesShape: readonly number[],
  indicesDtype: 'Long' | 'Float',
  args: MaxUnpoolArgs,
  outputSize: readonly number[] | null = null,
): UnpoolPlan {
  checkShape(shape);
  const rank = args.rank;
  const { kernel, stride, padding } = args;
  const count = kernel.length;
  if (stride.length < count || padding.length < count) throw new TypeError(`max_unpool${rank}d(): kernel_size, stride and padding must have the same length`);
  if (shape.length < count) throw new TorchError('tuple index out of range', 'IndexError');
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
  const sameShape = native.length === nativeIndices.length && native.every((d, i) => d === nativeIndices[i]);
  const checkEmpty = () => {
    for (let i = 1; i < native.length; i++) {
      if (native[i] === 0) throw new TorchError(messages.unpoolEmptyDim(nativeRank, native, i));
    }
  };
  if (nativeRank === 2) {
    if (indicesDtype !== 'Long') throw new TorchError(messages.unpoolIndexDtype(2, indicesDtype));
    if (native.length !== 3 && native.length !== 4) throw new TorchError(messages.unpoolInputRank(2, native.length));
    if (!sameShape) throw new TorchError(messages.unpoolIndicesShape(native, nativeIndices));
    checkEmpty();
  } else {
    if (indicesDtype !== 'Long') throw new TorchError(messages.unpoolIndexDtype(3, indicesDtype));
    if (native.length !== 4 && native.length !== 5) throw new TorchError(messages.unpoolInputRank(3, native.length));
    if (!sameShape) throw new TorchError(messages.unpoolIndicesShape(native, nativeIndices));
    checkEmpty();
    if (stride.some((s) => s <= 0)) throw new TorchError(messages.unpoolStrideNotPositive(stride));
  }
  if (size.some((s) => s < 0)) throw new TorchError(messages.negativeDimension([...shape.slice(0, shape.length - count), ...size]));
  return { rank, ...volumeGeometry(shape, size) };
}

/** The sizes PyTorch's "invalid max index" message reports: the native op's output volume (1-D: L×1). */
export function unpoolVolumeSizes(plan: UnpoolPlan): number[] {
  const [d, h, w] = plan.output;
  return plan.rank === 1 ? [w, 1] : plan.rank === 2 ? [h, w] : [d, h, w];
}
