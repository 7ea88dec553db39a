// The kit's one error family: TorchError (an input PyTorch rejects, with PyTorch's words and exception class) and
// WebGPULayersError (everything else, with a code). Tests compare PyTorch's messages as exact strings, so each is
// built in one place: here for those shared by all ops, in each op family's messages.ts for its own.

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

/**
 * PyTorch's words for rejected inputs that are not one op family's (each family's are in its own `messages.ts`,
 * e.g. src/ops/pooling/messages.ts).
 */
export const messages = {
  dimensionOutOfRange: (rank: number, dim: number) => {
    const r = Math.max(rank, 1); // PyTorch wraps a 0-d tensor's dims as if it had one
    return `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`;
  },
  negativeDimension: (shape: readonly number[]) => `Trying to create tensor with negative dimension ${shape.find((d) => d < 0)}: ${formatSizes(shape)}`,
  invalidView: (shape: readonly number[], size: number) => `shape '${formatSizes(shape)}' is invalid for input of size ${size}`,
  channelsLastView: (format: string) =>
    `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (This tensor is ${format}: contiguous() first gives one in the logical order.)`,
  notEnoughValuesToUnpack: (expected: number, got: number) => `not enough values to unpack (expected ${expected}, got ${got})`,
  tooManyValuesToUnpack: (expected: number) => `too many values to unpack (expected ${expected})`,
};
