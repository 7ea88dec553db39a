// PyTorch's adaptive pooling modules: AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d, on the pooling family's
// shared base (src/nn/pooling.ts).
import type { AdaptiveOutputSize, AdaptiveSize, Rank } from '../ops/pooling/args.js';
import {
  checkAdaptiveOutputSize,
  planAdaptiveAvgPool1d,
  planAdaptiveAvgPool2d,
  planAdaptiveAvgPool3d,
  planAdaptiveMaxPool,
  type AdaptiveMaxArgs,
  type AdaptivePlan,
} from '../ops/pooling/adaptivePlan.js';
import { PlannedPool, type MaxCpuOutput, type MaxOutput } from './pooling.js';

const frozen = <T>(size: T): T => (Array.isArray(size) ? (Object.freeze([...size]) as T) : size);

/**
 * Adaptive average pooling: any input size → `outputSize` (an int, or a pair whose `null` keeps that
 * dimension; larger than the input is allowed). Windows use PyTorch's integer bounds.
 * Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW).
 * @example new nn.AdaptiveAvgPool2d([null, 7])
 */
export class AdaptiveAvgPool2d extends PlannedPool<AdaptivePlan> {
  protected readonly typeName = 'AdaptiveAvgPool2d';
  readonly outputSize: AdaptiveOutputSize;

  constructor(outputSize: AdaptiveOutputSize) {
    super();
    checkAdaptiveOutputSize(outputSize);
    this.outputSize = frozen(outputSize);
  }

  protected plan(shape: readonly number[]): AdaptivePlan {
    return planAdaptiveAvgPool2d(shape, this.outputSize);
  }
}

/** Adaptive average pooling over L, run as AdaptiveAvgPool2d on (…, 1, L). Shapes: (N, C, L) or (C, L) → (…, outputSize). */
export class AdaptiveAvgPool1d extends PlannedPool<AdaptivePlan> {
  protected readonly typeName = 'AdaptiveAvgPool1d';
  readonly outputSize: number | readonly [number];

  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = frozen(outputSize);
  }

  protected plan(shape: readonly number[]): AdaptivePlan {
    return planAdaptiveAvgPool1d(shape, this.outputSize);
  }
}

/** Adaptive average pooling over D×H×W (`null` keeps a dim). Shapes: (N, C, D, H, W) or (C, D, H, W). */
export class AdaptiveAvgPool3d extends PlannedPool<AdaptivePlan> {
  protected readonly typeName = 'AdaptiveAvgPool3d';
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = frozen(outputSize);
  }

  protected plan(shape: readonly number[]): AdaptivePlan {
    return planAdaptiveAvgPool3d(shape, this.outputSize);
  }
}

abstract class AdaptiveMaxPoolNd<R extends boolean> extends PlannedPool<AdaptivePlan, MaxOutput<R>, MaxCpuOutput<R>> {
  readonly args: Readonly<AdaptiveMaxArgs>;

  constructor(rank: Rank, outputSize: AdaptiveSize, options: { returnIndices?: R }) {
    super();
    this.args = Object.freeze({ rank, outputSize: frozen(outputSize), returnIndices: options.returnIndices ?? false });
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
