// PyTorch-worded error messages (shared/REFERENCE.md). Tests compare them as exact strings,
// so every message the kit throws for a PyTorch-rejected input is built here and only here.

/** Formats a shape the way PyTorch prints `tensor.sizes()`: `[1, 3, 0, 8]`. */
export function formatSizes(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** PyTorch's Python exception classes, kept as the error's `name` so a reader knows what PyTorch would raise. */
export type TorchErrorKind = 'RuntimeError' | 'IndexError' | 'ValueError' | 'ZeroDivisionError';

/** An input PyTorch rejects: `message` is PyTorch's text, `name` its exception class. */
export class TorchError extends Error {
  constructor(message: string, kind: TorchErrorKind = 'RuntimeError') {
    super(message);
    this.name = kind;
  }
}

/** What went wrong in one of the kit's own errors (not PyTorch's): check `error.code`, not the message. */
export type KitErrorCode =
  /** The GPUDevice was lost or destroyed; request a new one. */
  | 'device-lost'
  /** A tensor, binding, grid or loop is larger than this device allows. */
  | 'too-large'
  /** A tensor, module or device context was disposed and then used. */
  | 'disposed'
  /** Tensors (or a module's parameters) on different GPUDevices were combined. */
  | 'wrong-device'
  /** WebGPU rejected recorded work (a validation or out-of-memory error). */
  | 'gpu-rejected'
  /** A kernel failed to compile. */
  | 'compile-failed'
  /** No WebGPU adapter, or a misconfigured environment. */
  | 'no-adapter'
  /** An argument the kit does not accept (not a PyTorch error: e.g. an unknown strategy). */
  | 'invalid-argument'
  /** Calls that cannot be combined (nested measurements). */
  | 'invalid-state';

/**
 * The kit's own errors: everything that is not an input PyTorch would reject (those are `TorchError`s).
 * The message starts with "webgpu-layers: ".
 * @example try { await y.toArray() } catch (e) { if (e instanceof WebGPULayersError && e.code === 'device-lost') ... }
 */
export class WebGPULayersError extends Error {
  readonly code: KitErrorCode;
  constructor(code: KitErrorCode, message: string) {
    super(`webgpu-layers: ${message}`);
    this.name = 'WebGPULayersError';
    this.code = code;
  }
}

export const messages = {
  strideZero: () => 'stride should not be zero',
  padNegative: (pad: number) => `pad must be non-negative, but got pad: ${pad}`,
  padTooLarge: (pad: number, kernelSize: number, dilation = 1) =>
    `pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernelSize} and dilation=${dilation}`,
  padOverHalfKernel2d: (padW: number, padH: number, kW: number, kH: number) =>
    `pad should be smaller than or equal to half of kernel size, but got padW = ${padW}, padH = ${padH}, kW = ${kW}, kH = ${kH}`,
  padOverHalfKernel3d: ([kT, kH, kW]: readonly number[], [pT, pH, pW]: readonly number[]) =>
    `pad should be smaller than or equal to half of kernel size, but got kT: ${kT} kW: ${kW} kH: ${kH} padT: ${pT} padW: ${pW} padH: ${pH}`,
  kernelNotPositive3d: ([kT, kH, kW]: readonly number[]) => `kernel size should be greater than zero, but got kT: ${kT} kH: ${kH} kW: ${kW}`,
  strideNotPositive3d: ([dT, dH, dW]: readonly number[]) => `stride should be greater than zero, but got dT: ${dT} dH: ${dH} dW: ${dW}`,
  dilationNotPositive2d: (dH: number, dW: number) => `dilation should be greater than zero, but got dilationH: ${dH} dilationW: ${dW}`,
  dilationNotPositive3d: ([dT, dH, dW]: readonly number[]) =>
    `dilation should be greater than zero, but got dilationT: ${dT} dilationH: ${dH} dilationW: ${dW}`,
  outputTooSmall3d: (planes: number, [iT, iH, iW]: readonly number[], [oT, oH, oW]: readonly number[]) =>
    `Given input size: (${planes}x${iT}x${iH}x${iW}). Calculated output size: (${planes}x${oT}x${oH}x${oW}). Output size is too small`,
  /** max_pool2d / max_pool3d / avg_pool2d / avg_pool3d: a size argument of the wrong length (`what`: PyTorch's words). */
  poolArgumentLength: (op: string, name: string, what: string) => `${op}: ${name} ${what}`,
  poolInputRank: (low: number) => `non-empty ${low}D or ${low + 1}D (batch mode) tensor expected for input`,
  pool3dEmptyDim: (fn: string, shape: readonly number[]) =>
    `${fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${formatSizes(shape)} and non-batch dimension 0 has length zero!`,
  pool3dInputSmallerThanKernel: ([iT, iH, iW]: readonly number[], [kT, kH, kW]: readonly number[]) =>
    `input image (T: ${iT} H: ${iH} W: ${iW}) smaller than kernel size (kT: ${kT} kH: ${kH} kW: ${kW})`,
  dimRange: (op: string, rank: number, low: number, high: number) =>
    `Expected ${low} to ${high} dimensions, but got ${rank}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`,
  oneInt: (op: string, name: string, got: number) => `${op}() argument '${name}' should contain one int (got ${got})`,
  maxPool1dInput: (shape: readonly number[]) =>
    `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${formatSizes(shape)}`,
  maxPool1dArgument: (problem: string) => `max_pool1d() ${problem}`,
  adaptiveOutputSizeLength: (op: string, rank: number) => `${op}: output_size must be ${rank}`,
  adaptiveMaxOutputSizeLength: (op: string, rank: number) => `${op}(): internal error: output_size.size() must be ${rank}`,
  adaptiveRank: (op: string, low: number, shape: readonly number[], colon: boolean) =>
    `${op}(): Expected ${low}D or ${low + 1}D tensor, but got${colon ? ':' : ''} ${formatSizes(shape)}`,
  adaptiveEmptyDimOf: (op: string, shape: readonly number[], dim: number) =>
    `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatSizes(shape)} with dimension ${dim} being empty`,
  adaptiveNegative3d: ([oT, oH, oW]: readonly number[]) =>
    `adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${oT}, ${oH},${oW}}`,
  negativeDimension: (shape: readonly number[]) =>
    `Trying to create tensor with negative dimension ${shape.find((d) => d < 0)}: ${formatSizes(shape)}`,
  floatDivisionByZero: () => 'float division by zero',
  unpoolIndexDtype: (rank: number, got: string) => `elements in indices should be type int64${rank === 3 ? '' : ` but got: ${got}`}`,
  unpoolInputRank: (rank: number, ndim: number) =>
    `Input to max_unpooling${rank}d should be a ${rank + 1}d or ${rank + 2}d Tensor, but got a tensor with ${ndim} dimensions.`,
  unpoolIndicesShape: (input: readonly number[], indices: readonly number[]) =>
    `Expected shape of indices to be same as that of the input tensor (${formatSizes(input)}) but got indices tensor with shape: ${formatSizes(indices)}`,
  unpoolEmptyDim: (rank: number, shape: readonly number[], dim: number) =>
    `max_unpooling${rank}d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got ${formatSizes(shape)} with dimension ${dim} being empty.`,
  unpoolStrideNotPositive: (stride: readonly number[]) => `strides should be greater than zero, but got stride: ${formatSizes(stride)}`,
  unpoolOutputSizeLength: (rank: number, got: number) =>
    `output_size should be a sequence containing ${rank} or ${rank + 2} elements, but it has a length of '${got}'`,
  unpoolOutputSizeRange: (outputSize: readonly number[], dim: number, min: number, max: number) =>
    `invalid output_size "${formatSizes(outputSize)}" (dim ${dim} must be between ${min} and ${max})`,
  invalidMaxIndex: (index: number, sizes: readonly number[]) => `Found an invalid max index: ${index} (output volumes are of size ${sizes.join('x')}`,
  kernelNotPositive: (kH: number, kW: number) => `kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`,
  strideNotPositive: (sH: number, sW: number) => `stride should be greater than zero, but got dH: ${sH} dW: ${sW}`,
  divisorZero: () => 'divisor must be not zero',
  outputTooSmall: (planes: number, inH: number, inW: number, outH: number, outW: number) =>
    `Given input size: (${planes}x${inH}x${inW}). Calculated output size: (${planes}x${outH}x${outW}). Output size is too small`,
  avgPoolInputRank: (shape: readonly number[]) =>
    `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${formatSizes(shape)}`,
  dimensionOutOfRange: (rank: number, dim: number) => {
    const r = Math.max(rank, 1); // PyTorch wraps a 0-d tensor's dims as if it had one
    return `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`;
  },
  adaptiveInputRank: (shape: readonly number[]) =>
    `adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${formatSizes(shape)}`,
  adaptiveEmptyDim: (shape: readonly number[], dim: number) =>
    `adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatSizes(shape)} with dimension ${dim} being empty`,
  adaptiveNegative: (oH: number, oW: number) =>
    `adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${oH}, ${oW}}`,
  adaptiveInputTooSmall: (needed: number) => `Input dimension should be at least ${needed}`,
  invalidView: (shape: readonly number[], size: number) => `shape '${formatSizes(shape)}' is invalid for input of size ${size}`,
  matmulZeroDim: () => 'both arguments to matmul need to be at least 1D, but they are 0D and 2D',
  notEnoughValuesToUnpack: (expected: number, got: number) => `not enough values to unpack (expected ${expected}, got ${got})`,
  tooManyValuesToUnpack: (expected: number) => `too many values to unpack (expected ${expected})`,
  linearShapes: (rows: number, inner: number, weightIn: number, weightOut: number) =>
    `mat1 and mat2 shapes cannot be multiplied (${rows}x${inner} and ${weightIn}x${weightOut})`,
};
