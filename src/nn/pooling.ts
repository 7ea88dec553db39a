// PyTorch's pooling modules over fixed windows: AvgPool1d/2d/3d, MaxPool1d/2d/3d, LPPool1d/2d. They share one base:
// the constructor keeps the arguments (their types checked), the forward plans them with the input shape in
// PyTorch's order (the plan of the last shape is kept, so a repeated forward checks nothing again), then runs the
// plan on the GPU, or on the CPU reference.
import { LastPlan, checkData } from '../core/shape.js';
import type { IndexData, TensorData } from '../core/tensorData.js';
import type { Tensor } from '../core/tensor.js';
import type { IntOrPair, IntOrTuple, Rank } from '../ops/pooling/args.js';
import { globalDivisor, pool, type PoolPlan, type WithIndices } from '../ops/pooling/functional.js';
import { adaptivePool, windowPool } from '../ops/pooling/reference.js';
import {
  checkAvgPool2dArgs,
  planAvgPool1d,
  planAvgPool2d,
  planAvgPool3d,
  planLPPool,
  resolveAvgPool2dArgs,
  resolveAvgPoolArgs,
  resolveLPPoolArgs,
  type AvgPool1dOptions,
  type AvgPool2dArgs,
  type AvgPool2dOptions,
  type AvgPool3dOptions,
  type AvgPoolNdArgs,
  type LPPoolArgs,
  type LPPoolOptions,
} from '../ops/pooling/windowPlan.js';
import { planMaxPool, resolveMaxPoolArgs, type MaxPoolArgs, type MaxPoolOptions } from '../ops/pooling/maxPoolPlan.js';
import { Module } from './module.js';

/** What a max pool's forward returns: values, or values and int32 indices (`returnIndices: true`). */
export type MaxOutput<R extends boolean> = R extends true ? WithIndices : Tensor;
/** The same on the CPU reference. */
export type MaxCpuOutput<R extends boolean> = R extends true ? [TensorData, IndexData] : TensorData;

/**
 * A pooling module whose forward is one plan and one op: the kernel and the reference take the plan as it is.
 * `globalDivisor` tells the SE blocks and the ResNet head when the pool is a global one they can fuse.
 */
export abstract class PlannedPool<P extends PoolPlan, Out = Tensor, CpuOut = TensorData> extends Module<Out, CpuOut> {
  readonly #plans = new LastPlan<P>();

  /** Checks the arguments with the input shape, in PyTorch's order; throws PyTorch's error. */
  protected abstract plan(shape: readonly number[]): P;

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  /** @internal The divisor when this pool reduces each whole map of `shape` to one value (a global pool), else null. */
  globalDivisor(shape: readonly number[]): number | null {
    this.checkUsable(); // its caller runs the pool in its own kernel
    return globalDivisor(this.#plan(shape));
  }

  #plan(shape: readonly number[]): P {
    return this.#plans.get(shape, (s) => this.plan(s));
  }

  protected run(input: Tensor): Out {
    return pool(input, this.#plan(input.shape)) as Out;
  }

  protected runCpu({ data, shape }: TensorData): CpuOut {
    const plan = this.#plan(shape);
    checkData(data, shape);
    const result = 'kernel' in plan ? windowPool(data, plan) : adaptivePool(data, plan);
    const values = { data: result.data, shape: plan.outputShape };
    return (plan.returnIndices ? [values, { data: result.indices!, shape: plan.outputShape }] : values) as CpuOut;
  }
}

/**
 * 2-D average pooling with PyTorch's exact semantics (ceil mode's last-window rule, count_include_pad
 * clipped at in+pad, divisor_override).
 * Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW).
 * @example new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
 */
export class AvgPool2d extends PlannedPool<ReturnType<typeof planAvgPool2d>> {
  protected readonly typeName = 'AvgPool2d';
  readonly args: Readonly<AvgPool2dArgs>;

  constructor(kernelSize: IntOrPair, options: AvgPool2dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPool2dArgs(kernelSize, options));
    checkAvgPool2dArgs(this.args);
  }

  protected plan(shape: readonly number[]) {
    return planAvgPool2d(shape, this.args);
  }
}

/**
 * 1-D average pooling (PyTorch's AvgPool1d has no divisor_override), run as AvgPool2d on (…, 1, L) as PyTorch runs
 * it. Shapes: (N, C, L) or (C, L).
 * @example new nn.AvgPool1d(4)
 */
export class AvgPool1d extends PlannedPool<ReturnType<typeof planAvgPool1d>> {
  protected readonly typeName = 'AvgPool1d';
  readonly args: Readonly<AvgPoolNdArgs>;

  constructor(kernelSize: IntOrTuple, options: AvgPool1dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPoolArgs(1, kernelSize, options));
  }

  protected plan(shape: readonly number[]) {
    return planAvgPool1d(shape, this.args);
  }
}

/** 3-D average pooling with count_include_pad, ceil mode and divisor_override. Shapes: (N, C, D, H, W) or (C, D, H, W). */
export class AvgPool3d extends PlannedPool<ReturnType<typeof planAvgPool3d>> {
  protected readonly typeName = 'AvgPool3d';
  readonly args: Readonly<AvgPoolNdArgs>;

  constructor(kernelSize: IntOrTuple, options: AvgPool3dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPoolArgs(3, kernelSize, options));
  }

  protected plan(shape: readonly number[]) {
    return planAvgPool3d(shape, this.args);
  }
}

abstract class MaxPoolNd<R extends boolean> extends PlannedPool<ReturnType<typeof planMaxPool>, MaxOutput<R>, MaxCpuOutput<R>> {
  readonly args: Readonly<MaxPoolArgs>;

  constructor(rank: Rank, kernelSize: IntOrTuple, options: MaxPoolOptions) {
    super();
    this.args = Object.freeze(resolveMaxPoolArgs(rank, kernelSize, options));
  }

  protected plan(shape: readonly number[]) {
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

abstract class LPPoolNd extends PlannedPool<ReturnType<typeof planLPPool>> {
  readonly args: Readonly<LPPoolArgs>;

  constructor(rank: 1 | 2, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions) {
    super();
    this.args = Object.freeze(resolveLPPoolArgs(rank, normType, kernelSize, options));
  }

  protected plan(shape: readonly number[]) {
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
