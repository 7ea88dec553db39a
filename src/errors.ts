// PyTorch-worded error messages (shared/REFERENCE.md). Tests compare them as exact strings,
// so every message the kit throws for a PyTorch-rejected input is built here and only here.

/** Formats a shape the way PyTorch prints `tensor.sizes()`: `[1, 3, 0, 8]`. */
export function formatSizes(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** PyTorch's Python exception classes, kept as the error's `name` so a reader knows what PyTorch would raise. */
export type TorchErrorKind = 'RuntimeError' | 'IndexError' | 'ValueError';

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
  padTooLarge: (pad: number, kernelSize: number) =>
    `pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernelSize} and dilation=1`,
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
