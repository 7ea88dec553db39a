// Tensor's work that lives above core (core imports nothing above it): the autograd engine's entry points, set by
// src/autograd/engine.ts, and dtype conversion and image loading, set by src/ops/convert/ and src/ops/image/, each when
// it loads (src/index.ts loads them). Also the option and view types a tensor's methods show.
import type { FromImageOptions } from '../ops/image/plan.js';
import type { ImageSource } from '../ops/image/source.js';
import type { MemoryFormat } from './memoryFormat.js';
import type { DType, FloatDType, Tensor } from './tensor.js';

/**
 * A node of the autograd graph, as a tensor shows it (`tensor.gradFn`): PyTorch's grad_fn name, e.g.
 * 'AvgPool2DBackward0'.
 */
export interface GradFn {
  readonly name: string;
}

/** Where a leaf's gradient goes: the tensor itself, or the Parameter whose device copy it is. */
export interface GradSink {
  accumulateGrad(grad: Tensor): void;
}

export interface BackwardOptions {
  /** Keep the graph and its saved tensors for another backward (PyTorch's retain_graph). */
  retainGraph?: boolean;
}

export interface FromArrayOptions {
  /** A leaf whose gradient `backward` accumulates in `grad` (PyTorch's requires_grad). float32 only. */
  requiresGrad?: boolean;
  /** 'float16': the values rounded to halves (as torch's `.half()`), stored packed; default float32. */
  dtype?: 'float32' | 'float16';
  /** The order `data` is in (and the tensor keeps): 'contiguous' (default), or channels last (N, H, W, C). */
  memoryFormat?: MemoryFormat;
}

export interface FromGPUBufferOptions {
  /** Where the tensor starts in the buffer: a multiple of the device's minStorageBufferOffsetAlignment (256). */
  byteOffset?: number;
  /** 'float16': the buffer holds halves, two to a 4-byte word (ORT-web's float16 layout); default float32. */
  dtype?: FloatDType;
  /** The order the buffer holds the elements in (e.g. 'channelsLast' for TF.js's NHWC); the shape stays logical. */
  memoryFormat?: MemoryFormat;
  /** Called once the kit no longer uses the buffer: the tensor and its views disposed and their work submitted. */
  onRelease?: () => void;
}

/** Where a tensor's data is on the GPU, to hand it to other code (`tensor.gpuBuffer`). */
export interface GPUBufferView {
  buffer: GPUBuffer;
  byteOffset: number;
  /** The tensor's bytes: size · 4, or 2 · size rounded up to a whole word for float16 (the buffer may be longer). */
  byteLength: number;
}

/** The engine's entry points, set once by src/autograd/engine.ts. */
export const autogradHooks = {
  backward: null as ((root: Tensor, gradient: Tensor | undefined, options: BackwardOptions) => void) | null,
  accumulate: null as ((leaf: Tensor, grad: Tensor) => void) | null,
  recordView: null as ((input: Tensor, view: Tensor) => void) | null,
  /** A tensor holding `gradFn` was disposed: the graph behind it is freed once nothing else holds it. */
  dropGradFn: null as ((gradFn: GradFn) => void) | null,
};

/** Tensor's work that lives in an op family: `to(dtype)` and `contiguous(format)` (src/ops/convert/), `Tensor.fromImage` (src/ops/image/). */
export const tensorHooks = {
  convert: null as ((t: Tensor<DType>, dtype: 'float32' | 'float16') => Tensor<DType>) | null,
  relayout: null as ((t: Tensor<DType>, memoryFormat: MemoryFormat) => Tensor<DType>) | null,
  loadImage: null as ((device: GPUDevice, source: ImageSource, options: FromImageOptions) => Tensor) | null,
};
