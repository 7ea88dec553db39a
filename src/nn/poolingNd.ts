// The rest of PyTorch's pooling modules: MaxPool1d/2d/3d, AvgPool1d/3d, LPPool1d/2d, AdaptiveAvgPool1d/3d,
// AdaptiveMaxPool1d/2d/3d and MaxUnpool1d/2d/3d. Like PyTorch's, their constructors keep the arguments and the
// forward checks them with the input, in PyTorch's order (argument types are checked at construction).
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

/**
 * A pooling module whose forward is one plan and one op: the plan of the last input shape is kept, so a repeated
 * forward checks nothing again.
 */
abstract class PlannedPool<P extends { outputShape: number[] }, Out = Tensor, CpuOut = TensorData> extends Module<Out, CpuOut> {
  readonly #plans = new LastPlan<P>();

  /** Checks the arguments with the input shape, in PyTorch's order; throws PyTorch's error. */
  protected abstract plan(shape: readonly number[]): P;
  protected abstract runPlan(input: Tensor, plan: P): Out;
  protected abstract runPlanCpu(input: TensorData, plan: P): CpuOut;

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): P {
    return this.#plans.get(shape, (s) => this.plan(s));
  }

  protected run(input: Tensor): Out {
    return this.runPlan(input, this.#plan(input.shape));
  }

  protected runCpu(input: TensorData): CpuOut {
    return this.runPlanCpu(input, this.#plan(input.shape));
  }
}

/** Max, average and LP pooling over fixed windows: the kernel and the reference take the plan as it is. */
abstract class WindowPool<Out = Tensor, CpuOut = TensorData> extends PlannedPool<WindowPlan, Out, CpuOut> {
  protected runPlan(input: Tensor, plan: WindowPlan): Out {
    return windowPoolWithPlan(input, plan) as Out;
  }

  protected runPlanCpu({ data }: TensorData, plan: WindowPlan): CpuOut {
    return cpuResult(plan, windowPool(data, plan)) as CpuOut;
  }
}

abstract class MaxPoolNd<R extends boolean> extends WindowPool<MaxOutput<R>, MaxCpuOutput<R>> {
  readonly args: Readonly<MaxPoolArgs>;

  constructor(rank: Rank, kernelSize: IntOrTuple, options: MaxPoolOptions) {
    super();
    this.args = Object.freeze(resolveMaxPoolArgs(rank, kernelSize, options));
  }

  protected plan(shape: readonly number[]): WindowPlan {
    return planMaxPool(shape, this.args);
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
 * 1-D average pooling (PyTorch's AvgPool1d has no divisor_override), run as AvgPool2d on (…, 1, L) as PyTorch runs
 * it. Shapes: (N, C, L) or (C, L).
 * @example new nn.AvgPool1d(4)
 */
export class AvgPool1d extends PlannedPool<AvgPool2dPlan> {
  protected readonly typeName = 'AvgPool1d';
  readonly args: Readonly<AvgPoolNdArgs>;

  constructor(kernelSize: IntOrTuple, options: AvgPool1dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPoolArgs(1, kernelSize, options));
  }

  protected plan(shape: readonly number[]): AvgPool2dPlan {
    return planAvgPool1d(shape, this.args);
  }

  protected runPlan(input: Tensor, plan: AvgPool2dPlan): Tensor {
    return avgPool2dWithPlan(input, plan);
  }

  protected runPlanCpu({ data, shape }: TensorData, plan: AvgPool2dPlan): TensorData {
    const { kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad } = plan;
    const pooled = reference.avgPool2d(data, [...shape.slice(0, -1), 1, shape[shape.length - 1]!], [kernelH, kernelW], {
      stride: [strideH, strideW], padding: [padH, padW], ceilMode, countIncludePad,
    });
    return { data: pooled.data, shape: plan.outputShape };
  }
}

/** 3-D average pooling with count_include_pad, ceil mode and divisor_override. Shapes: (N, C, D, H, W) or (C, D, H, W). */
export class AvgPool3d extends WindowPool {
  protected readonly typeName = 'AvgPool3d';
  readonly args: Readonly<AvgPoolNdArgs>;

  constructor(kernelSize: IntOrTuple, options: AvgPool3dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPoolArgs(3, kernelSize, options));
  }

  protected plan(shape: readonly number[]): WindowPlan {
    return planAvgPool3d(shape, this.args);
  }
}

abstract class LPPoolNd extends WindowPool {
  readonly args: Readonly<LPPoolArgs>;

  constructor(rank: 1 | 2, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions) {
    super();
    this.args = Object.freeze(resolveLPPoolArgs(rank, normType, kernelSize, options));
  }

  protected plan(shape: readonly number[]): WindowPlan {
    return planLPPool(shape, this.args);
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

/** Adaptive average pooling over L, run as AdaptiveAvgPool2d on (…, 1, L). Shapes: (N, C, L) or (C, L) → (…, outputSize). */
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

  protected runPlanCpu({ data }: TensorData, plan: AdaptiveAvgPool2dPlan): TensorData {
    const pooled = reference.adaptiveAvgPool2d(data, [...plan.inputShape.slice(0, -1), 1, plan.inW], [1, plan.outW]);
    return { data: pooled.data, shape: plan.outputShape };
  }
}

/** Adaptive pooling (average or max) on the 3-D adaptive kernel and reference. */
abstract class AdaptivePool<Out = Tensor, CpuOut = TensorData> extends PlannedPool<AdaptivePlan, Out, CpuOut> {
  protected runPlan(input: Tensor, plan: AdaptivePlan): Out {
    return adaptivePoolWithPlan(input, plan) as Out;
  }

  protected runPlanCpu({ data }: TensorData, plan: AdaptivePlan): CpuOut {
    return cpuResult(plan, adaptivePool(data, plan)) as CpuOut;
  }
}

/** Adaptive average pooling over D×H×W (`null` keeps a dim). Shapes: (N, C, D, H, W) or (C, D, H, W). */
export class AdaptiveAvgPool3d extends AdaptivePool {
  protected readonly typeName = 'AdaptiveAvgPool3d';
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = Array.isArray(outputSize) ? Object.freeze([...outputSize]) : outputSize;
  }

  protected plan(shape: readonly number[]): AdaptivePlan {
    return planAdaptiveAvgPool3d(shape, this.outputSize);
  }
}

abstract class AdaptiveMaxPoolNd<R extends boolean> extends AdaptivePool<MaxOutput<R>, MaxCpuOutput<R>> {
  readonly args: Readonly<AdaptiveMaxArgs>;

  constructor(rank: Rank, outputSize: AdaptiveSize, options: { returnIndices?: R }) {
    super();
    const size = Array.isArray(outputSize) ? Object.freeze([...outputSize]) : outputSize;
    this.args = Object.freeze({ rank, outputSize: size, returnIndices: options.returnIndices ?? false });
  }

  protected plan(shape: readonly number[]): AdaptivePlan {
    return planAdaptiveMaxPool(shape, this.args);
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
