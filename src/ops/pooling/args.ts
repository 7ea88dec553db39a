// The pooling family's shared vocabulary: PyTorch's size arguments (an int, or a list of ints), the output-size
// rule with its checks, window bounds, and the geometry every plan has. Every pooling op, of every rank, is planned
// as 3-D: `planes` volumes of D×H×W pooled to oD×oH×oW, with unit leading dims for 1-D and 2-D ops (PyTorch itself
// runs the 1-D ops as 2-D ones), so one set of kernels and one reference serve every rank.
import { TorchError } from '../../core/errors.js';
import { poolingMessages as messages } from './messages.js';

export type Rank = 1 | 2 | 3;
/** An int, or a list of ints (PyTorch's `int[N]` arguments: an int stands for N copies). */
export type IntOrTuple = number | readonly number[];
/** An int, or an (H, W) pair, as PyTorch's `_pair` accepts. */
export type IntOrPair = number | readonly [number, number];
/** An adaptive output size: an int, or a list whose `null` members keep that input dimension. */
export type AdaptiveSize = number | readonly (number | null)[];
/** AdaptiveAvgPool2d's output size: an int, or a pair whose `null` members keep that input dimension. */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];
export type Triple = [number, number, number];

/** C++ integer division (truncates toward zero), as PyTorch's `kernelSize / 2`. */
export const cppDiv = (a: number, b: number) => Math.trunc(a / b);
export const product = (values: readonly number[]) => values.reduce((a, b) => a * b, 1);

/** An integer argument, or PyTorch's TypeError (`what`: how the op's signature names the type). */
export function checkInt(op: string, name: string, value: unknown, what = 'an int or a list of ints'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(messages.notIntOrList(op, name, value, what));
  return value;
}

/** PyTorch's `int[N]` argument parsing: an int is N copies, a list keeps its length (checked by the op). */
export function intList(op: string, name: string, value: IntOrTuple | null | undefined, copies: number, what?: string): number[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'number') return new Array<number>(copies).fill(checkInt(op, name, value, what));
  if (!Array.isArray(value)) throw new TypeError(messages.notIntOrList(op, name, value, what ?? 'an int or a list of ints'));
  return value.map((v) => checkInt(op, name, v, what));
}

/** A list of length 1 or `rank` (and, with a fallback, 0: omitted) as `rank` values, or PyTorch's length error. */
export function sized(values: readonly number[], rank: number, orElse: () => never, fallback?: readonly number[]): number[] {
  if (values.length === 0 && fallback) return [...fallback];
  if (values.length === 1) return new Array<number>(rank).fill(values[0]!);
  if (values.length !== rank) orElse();
  return [...values];
}

/** `sized` whose length error is PyTorch's `${op}: ${name} ${what}`. */
export function sizedOr(op: string, name: string, what: string, values: readonly number[], rank: number, fallback?: readonly number[]): number[] {
  return sized(
    values,
    rank,
    () => {
      throw new TorchError(messages.poolArgumentLength(op, name, what));
    },
    fallback,
  );
}

/**
 * Checks done by `pooling_output_shape` for one dimension, in today's wording (1.13 said "... half of kernel size,
 * but got pad=2 and kernel_size=3"; shared/REFERENCE.md): the pad is checked against the effective (dilated) kernel.
 */
export function checkPoolingDim(kernel: number, pad: number, stride: number, dilation = 1): void {
  if (stride === 0) throw new TorchError(messages.strideZero());
  if (pad < 0) throw new TorchError(messages.padNegative(pad));
  if (pad > cppDiv((kernel - 1) * dilation + 1, 2)) throw new TorchError(messages.padTooLarge(pad, kernel, dilation));
}

/** PyTorch's `pooling_output_shape` (after its checks), with ceil mode's rule that the last window starts inside. */
export function pooledSize(input: number, kernel: number, pad: number, stride: number, ceilMode: boolean, dilation = 1): number {
  const span = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= input + pad) out -= 1;
  return out;
}

/** PyTorch's `pooling_output_shape` with its checks: the pad against the effective kernel, then the size. */
export function poolingOutputSize(input: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  checkPoolingDim(kernel, pad, stride, dilation);
  return pooledSize(input, kernel, pad, stride, ceilMode, dilation);
}

/** PyTorch's integer adaptive window bounds: rows [start, end) of the input feed output row `index`. */
export function adaptiveWindow(index: number, outSize: number, inSize: number): [number, number] {
  const start = Math.floor((index * inSize) / outSize);
  const end = Math.floor(((index + 1) * inSize + outSize - 1) / outSize);
  return [start, end];
}

/**
 * The input rows (or columns) [start, end) that one average-pooling window covers, and the count that
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

/** The input as planes of D×H×W, the output as planes of oD×oH×oW. */
export interface VolumeGeometry {
  /** The op as PyTorch names it (`max_pool2d`), for the kit's own errors. */
  op: string;
  /** How many trailing dims the op pools as PyTorch runs it (2 for the 1-D ops, which run as 2-D ones). */
  spatialRank: number;
  inputShape: readonly number[];
  outputShape: number[];
  planes: number;
  input: Triple;
  output: Triple;
}

/** The spatial dims as [D, H, W] (leading `fill`s for lower ranks). */
export function asTriple(values: readonly number[], fill: number): Triple {
  return [...new Array<number>(3 - values.length).fill(fill), ...values] as Triple;
}

/** The geometry of pooling the last `out.length` dims of `shape` to `out`. */
export function volumeGeometry(op: string, shape: readonly number[], out: readonly number[]): VolumeGeometry {
  const rank = out.length;
  const leading = shape.slice(0, shape.length - rank);
  return {
    op,
    spatialRank: rank,
    inputShape: shape,
    outputShape: [...leading, ...out],
    planes: product(leading),
    input: asTriple(shape.slice(shape.length - rank), 1),
    output: asTriple(out, 1),
  };
}

/** A plan made for (…, 1, L) (PyTorch's `unsqueeze(-2)` of a 1-D op) as the plan of (…, L). */
export function squeezed<P extends VolumeGeometry>(plan: P, op: string, shape: readonly number[]): P {
  return { ...plan, op, inputShape: shape, outputShape: [...shape.slice(0, -1), plan.output[2]] };
}

/** The shape with a unit dim inserted before the last (PyTorch's `unsqueeze(-2)` of the 1-D ops). */
export const unsqueezed = (shape: readonly number[]) => [...shape.slice(0, -1), 1, shape[shape.length - 1]!];

/** PyTorch's `checkDimRange(op, self, low, high)`: low ≤ rank < high. */
export function checkDimRange(op: string, shape: readonly number[], low: number, high: number): void {
  if (shape.length < low || shape.length >= high) throw new TorchError(messages.dimRange(op, shape.length, low, high - 1));
}

/** PyTorch's `check1d`: a 1-D op's list argument holds one int. */
export function check1d(op: string, name: string, values: readonly number[]): number {
  if (values.length !== 1) throw new TorchError(messages.oneInt(op, name, values.length));
  return values[0]!;
}
