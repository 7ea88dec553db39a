// The rest of PyTorch's pooling modules: MaxPool1d/2d/3d, AvgPool1d/3d, LPPool1d/2d, AdaptiveAvgPool1d/3d,
// AdaptiveMaxPool1d/2d/3d and MaxUnpool1d/2d/3d. Like PyTorch's, their constructors keep the arguments and the
// forward checks them with the input, in PyTorch's order (argument types are checked at construction). Each
// module keeps the plan of the last input shape, so a repeated forward checks nothing again.
import { adaptiveAvgPool2dWithPlan, avgPool2dWithPlan } from '../functional.js';
import { adaptivePoolWithPlan, maxUnpoolWithPlan, torchDtypeName, windowPoolWithPlan, type WithIndices } from '../functionalPooling.js';
import type { AdaptiveAvgPool2dPlan, AvgPool2dPlan } from '../poolingPlan.js';
import {
  planAdaptiveAvgPool1d,
  planAdaptiveAvgPool3d,
  planAdaptiveMaxPool,
  planAvgPool1d,
  planAvgPool3d,
  planLPPool,
  planMaxPool,
  planMaxUnpool,
  resolveAvgPoolArgs,
  resolveLPPoolArgs,
  resolveMaxPoolArgs,
  resolveMaxUnpoolArgs,
  type AdaptiveMaxArgs,
  type AdaptivePlan,
  type AdaptiveSize,
  type AvgPool1dOptions,
  type AvgPool3dOptions,
  type AvgPoolNdArgs,
  type IntOrTuple,
  type LPPoolArgs,
  type LPPoolOptions,
  type MaxPoolArgs,
  type MaxPoolOptions,
  type MaxUnpoolArgs,
  type MaxUnpoolOptions,
  type Rank,
  type UnpoolPlan,
  type WindowPlan,
} from '../poolNdPlan.js';
import * as reference from '../reference/index.js';
import { adaptivePool, maxUnpool, windowPool } from '../reference/poolingNd.js';
import type { IndexData, TensorData } from '../reference/tensorData.js';
import { LastPlan } from '../shape.js';
import type { DType, Tensor } from '../tensor.js';
import { Module } from './module.js';

/** What a max pool's forward returns: values, or values and int32 indices (`returnIndices: true`). */
export type MaxOutput<R extends boolean> = R extends true ? WithIndices : Tensor;
/** The same on the CPU reference. */
export type MaxCpuOutput<R extends boolean> = R extends true ? [TensorData, IndexData] : TensorData;

function cpuResult<R extends boolean>(plan: { outputShape: number[]; returnIndices: boolean }, result: { data: Float32Array; indices: Int32Array | null }): MaxCpuOutput<R> {
  const values = { data: result.data, shape: plan.outputShape };
  return (plan.returnIndices ? [values, { data: result.indices!, shape: plan.outputShape }] : values) as MaxCpuOutput<R>;
}

abstract class MaxPoolNd<R extends boolean> extends Module<MaxOutput<R>, MaxCpuOutput<R>> {
  readonly args: Readonly<MaxPoolArgs>;
  readonly #plans = new LastPlan<WindowPlan>();

  constructor(rank: Rank, kernelSize: IntOrTuple, options: MaxPoolOptions) {
    super();
    this.args = Object.freeze(resolveMaxPoolArgs(rank, kernelSize, options));
  }

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): WindowPlan {
    return this.#plans.get(shape, (s) => planMaxPool(s, this.args));
  }

  protected run(input: Tensor): MaxOutput<R> {
    return windowPoolWithPlan(input, this.#plan(input.shape)) as MaxOutput<R>;
  }

  protected runCpu({ data, shape }: TensorData): MaxCpuOutput<R> {
    const plan = this.#plan(shape);
    return cpuResult<R>(plan, windowPool(data, plan));
  }
}

/**
 * 1-D max pooling with PyTorch's semantics: −∞ padding, dilation, ceil mode, the last NaN of a window wins.
 * Shapes: (N, C, L) or (C, L). With `returnIndices: true`, forward returns [values, indices] (int32, flat in L).
 * @example new nn.MaxPool1d(3, { stride: 2, returnIndices: true })
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  protected readonly typeName = 'MaxPool1d';
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * 2-D max pooling (the ResNet stem's `MaxPool2d(3, 2, 1)`), PyTorch-exact, ceil mode included.
 * Shapes: (N, C, H, W) or (C, H, W). Indices are flat within H·W.
 * @example new nn.MaxPool2d(3, { stride: 2, padding: 1 })
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  protected readonly typeName = 'MaxPool2d';
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(2, kernelSize, options);
  }
}

/** 3-D max pooling. Shapes: (N, C, D, H, W) or (C, D, H, W). Indices are flat within D·H·W. */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  protected readonly typeName = 'MaxPool3d';
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(3, kernelSize, options);
  }
}

/**
 * 1-D average pooling (PyTorch's AvgPool1d has no divisor_override). Shapes: (N, C, L) or (C, L).
 * @example new nn.AvgPool1d(4)
 */
export class AvgPool1d extends Module {
  protected readonly typeName = 'AvgPool1d';
  readonly args: Readonly<AvgPoolNdArgs>;
  readonly #plans = new LastPlan<AvgPool2dPlan>();

  constructor(kernelSize: IntOrTuple, options: AvgPool1dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPoolArgs(1, kernelSize, options));
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): AvgPool2dPlan {
    return this.#plans.get(shape, (s) => planAvgPool1d(s, this.args));
  }

  protected run(input: Tensor): Tensor {
    return avgPool2dWithPlan(input, this.#plan(input.shape));
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    const plan = this.#plan(shape);
    const { kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad } = plan;
    const pooled = reference.avgPool2d(data, [...shape.slice(0, -1), 1, shape[shape.length - 1]!], [kernelH, kernelW], {
      stride: [strideH, strideW], padding: [padH, padW], ceilMode, countIncludePad,
    });
    return { data: pooled.data, shape: plan.outputShape };
  }
}

/**
 * Shared by the modules whose forward is one plan and one kernel returning one tensor.
 */
abstract class PlannedPool<P extends { outputShape: number[] }> extends Module {
  readonly #plans = new LastPlan<P>();

  protected abstract plan(shape: readonly number[]): P;
  protected abstract runPlan(input: Tensor, plan: P): Tensor;
  protected abstract runPlanCpu(data: Float32Array, plan: P): Float32Array;

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): P {
    return this.#plans.get(shape, (s) => this.plan(s));
  }

  protected run(input: Tensor): Tensor {
    return this.runPlan(input, this.#plan(input.shape));
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    const plan = this.#plan(shape);
    return { data: this.runPlanCpu(data, plan), shape: plan.outputShape };
  }
}

/** 3-D average pooling with count_include_pad, ceil mode and divisor_override. Shapes: (N, C, D, H, W) or (C, D, H, W). */
export class AvgPool3d extends PlannedPool<WindowPlan> {
  protected readonly typeName = 'AvgPool3d';
  readonly args: Readonly<AvgPoolNdArgs>;

  constructor(kernelSize: IntOrTuple, options: AvgPool3dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPoolArgs(3, kernelSize, options));
  }

  protected plan(shape: readonly number[]): WindowPlan {
    return planAvgPool3d(shape, this.args);
  }

  protected runPlan(input: Tensor, plan: WindowPlan): Tensor {
    return windowPoolWithPlan(input, plan) as Tensor;
  }

  protected runPlanCpu(data: Float32Array, plan: WindowPlan): Float32Array {
    return windowPool(data, plan).data;
  }
}

abstract class LPPoolNd extends PlannedPool<WindowPlan> {
  readonly args: Readonly<LPPoolArgs>;

  constructor(rank: 1 | 2, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions) {
    super();
    this.args = Object.freeze(resolveLPPoolArgs(rank, normType, kernelSize, options));
  }

  protected plan(shape: readonly number[]): WindowPlan {
    return planLPPool(shape, this.args);
  }

  protected runPlan(input: Tensor, plan: WindowPlan): Tensor {
    return windowPoolWithPlan(input, plan) as Tensor;
  }

  protected runPlanCpu(data: Float32Array, plan: WindowPlan): Float32Array {
    return windowPool(data, plan).data;
  }
}

/**
 * Power-average pooling by PyTorch's formula: (avg_pool(x^p) · k)^(1/p), sign step included.
 * @example new nn.LPPool1d(2, 3, { stride: 2 })
 */
export class LPPool1d extends LPPoolNd {
  protected readonly typeName = 'LPPool1d';
  constructor(normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}) {
    super(1, normType, kernelSize, options);
  }
}

/** 2-D power-average pooling (PyTorch's LPPool2d). */
export class LPPool2d extends LPPoolNd {
  protected readonly typeName = 'LPPool2d';
  constructor(normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}) {
    super(2, normType, kernelSize, options);
  }
}

/** Adaptive average pooling over L. Shapes: (N, C, L) or (C, L) → (…, outputSize). */
export class AdaptiveAvgPool1d extends PlannedPool<AdaptiveAvgPool2dPlan> {
  protected readonly typeName = 'AdaptiveAvgPool1d';
  readonly outputSize: number | readonly [number];

  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = Array.isArray(outputSize) ? (Object.freeze([...outputSize]) as unknown as readonly [number]) : outputSize;
  }

  protected plan(shape: readonly number[]): AdaptiveAvgPool2dPlan {
    return planAdaptiveAvgPool1d(shape, this.outputSize);
  }

  protected runPlan(input: Tensor, plan: AdaptiveAvgPool2dPlan): Tensor {
    return adaptiveAvgPool2dWithPlan(input, plan);
  }

  protected runPlanCpu(data: Float32Array, plan: AdaptiveAvgPool2dPlan): Float32Array {
    return reference.adaptiveAvgPool2d(data, [...plan.inputShape.slice(0, -1), 1, plan.inW], [1, plan.outW]).data;
  }
}

/** Adaptive average pooling over D×H×W (`null` keeps a dim). Shapes: (N, C, D, H, W) or (C, D, H, W). */
export class AdaptiveAvgPool3d extends PlannedPool<AdaptivePlan> {
  protected readonly typeName = 'AdaptiveAvgPool3d';
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = Array.isArray(outputSize) ? Object.freeze([...outputSize]) : outputSize;
  }

  protected plan(shape: readonly number[]): AdaptivePlan {
    return planAdaptiveAvgPool3d(shape, this.outputSize);
  }

  protected runPlan(input: Tensor, plan: AdaptivePlan): Tensor {
    return adaptivePoolWithPlan(input, plan) as Tensor;
  }

  protected runPlanCpu(data: Float32Array, plan: AdaptivePlan): Float32Array {
    return adaptivePool(data, plan).data;
  }
}

abstract class AdaptiveMaxPoolNd<R extends boolean> extends Module<MaxOutput<R>, MaxCpuOutput<R>> {
  readonly args: Readonly<AdaptiveMaxArgs>;
  readonly #plans = new LastPlan<AdaptivePlan>();

  constructor(rank: Rank, outputSize: AdaptiveSize, options: { returnIndices?: R }) {
    super();
    const size = Array.isArray(outputSize) ? Object.freeze([...outputSize]) : outputSize;
    this.args = Object.freeze({ rank, outputSize: size, returnIndices: options.returnIndices ?? false });
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): AdaptivePlan {
    return this.#plans.get(shape, (s) => planAdaptiveMaxPool(s, this.args));
  }

  protected run(input: Tensor): MaxOutput<R> {
    return adaptivePoolWithPlan(input, this.#plan(input.shape)) as MaxOutput<R>;
  }

  protected runCpu({ data, shape }: TensorData): MaxCpuOutput<R> {
    const plan = this.#plan(shape);
    return cpuResult<R>(plan, adaptivePool(data, plan));
  }
}

/** Adaptive max pooling over L; with `returnIndices: true`, [values, indices]. */
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  protected readonly typeName = 'AdaptiveMaxPool1d';
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(1, outputSize, options);
  }
}

/**
 * Adaptive max pooling over H×W (no WebGPU peer has it). `null` keeps a dim.
 * @example new nn.AdaptiveMaxPool2d([5, 7], { returnIndices: true })
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  protected readonly typeName = 'AdaptiveMaxPool2d';
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(2, outputSize, options);
  }
}

/** Adaptive max pooling over D×H×W. */
export class AdaptiveMaxPool3d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  protected readonly typeName = 'AdaptiveMaxPool3d';
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(3, outputSize, options);
  }
}

type UnpoolExtra = [indices: Tensor<DType>, outputSize?: readonly number[] | null];
type UnpoolCpuExtra = [indices: IndexData | TensorData, outputSize?: readonly number[] | null];

abstract class MaxUnpoolNd extends Module<Tensor, TensorData, UnpoolExtra, UnpoolCpuExtra> {
  readonly args: Readonly<MaxUnpoolArgs>;

  constructor(rank: Rank, kernelSize: IntOrTuple, options: MaxUnpoolOptions) {
    super();
    this.args = Object.freeze(resolveMaxUnpoolArgs(rank, kernelSize, options));
  }

  #plan(shape: readonly number[], indicesShape: readonly number[], dtype: 'Long' | 'Float', outputSize: readonly number[] | null): UnpoolPlan {
    return planMaxUnpool(shape, indicesShape, dtype, this.args, outputSize);
  }

  protected run(input: Tensor, indices: Tensor<DType>, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpoolWithPlan(input, indices, this.#plan(input.shape, indices.shape, torchDtypeName(indices), outputSize));
  }

  protected runCpu({ data, shape }: TensorData, indices: IndexData | TensorData, outputSize: readonly number[] | null = null): TensorData {
    const dtype = indices.data instanceof Int32Array ? 'Long' : 'Float';
    const plan = this.#plan(shape, indices.shape, dtype, outputSize);
    return { data: maxUnpool(data, indices.data as Int32Array, plan), shape: plan.outputShape };
  }
}

/**
 * The inverse of MaxPool1d: `forward(x, indices, outputSize?)` puts each value at its index, zeros elsewhere.
 * An out-of-range index is PyTorch's error, reported when the output is read (`toArray()`).
 * @example const [y, i] = new nn.MaxPool1d(2, { returnIndices: true }).forward(x); new nn.MaxUnpool1d(2).forward(y, i)
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  protected readonly typeName = 'MaxUnpool1d';
  constructor(kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}) {
    super(1, kernelSize, options);
  }
}

/** The inverse of MaxPool2d. */
export class MaxUnpool2d extends MaxUnpoolNd {
  protected readonly typeName = 'MaxUnpool2d';
  constructor(kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}) {
    super(2, kernelSize, options);
  }
}

/** The inverse of MaxPool3d. */
export class MaxUnpool3d extends MaxUnpoolNd {
  protected readonly typeName = 'MaxUnpool3d';
  constructor(kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}) {
    super(3, kernelSize, options);
  }
}
