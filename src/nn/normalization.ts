// nn.BatchNorm2d: torch 1.13's module over F.batchNorm, with its parameters (weight, bias) and buffers
// (running_mean, running_var, num_batches_tracked) under PyTorch's keys and in PyTorch's order.
import { TorchError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { batchNorm } from '../ops/normalization/functional.js';
import { normalizationMessages, planBatchNorm } from '../ops/normalization/plan.js';
import { batchNorm as batchNormReference } from '../ops/normalization/reference.js';
import { Module } from './module.js';
import { Buffer, CountBuffer, Parameter } from './parameter.js';

export interface BatchNormOptions {
  eps?: number;
  /** The running statistics' update factor (default 0.1); null: the cumulative average (1 / num_batches_tracked). */
  momentum?: number | null;
  /** Learnable weight (ones) and bias (zeros) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval (default true); false: batch statistics in both modes, no buffers. */
  trackRunningStats?: boolean;
}

/**
 * PyTorch's BatchNorm2d. In training mode it normalises with the batch's statistics (mean and biased variance over
 * N, H, W) and updates the running ones; in eval mode it uses the running ones. Keys `weight`, `bias`,
 * `running_mean`, `running_var`, `num_batches_tracked`. Shapes: input (N, C, H, W) → output (N, C, H, W).
 */
export class BatchNorm2d extends Module {
  protected readonly typeName: string = 'BatchNorm2d';
  readonly numFeatures: number;
  readonly eps: number;
  /** The update factor; null: the cumulative average. Settable, as PyTorch's `bn.momentum = None`. */
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Buffer | null;
  readonly runningVar: Buffer | null;
  readonly numBatchesTracked: CountBuffer | null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    if (!Number.isSafeInteger(numFeatures) || numFeatures < 0)
      throw new TypeError(`BatchNorm2d(): argument 'num_features' must be a non-negative int, but got ${String(numFeatures)}`);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const filled = (value: number) => new Float32Array(numFeatures).fill(value);
    this.weight = this.affine ? this.registerParameter('weight', new Parameter([numFeatures], filled(1))) : null;
    this.bias = this.affine ? this.registerParameter('bias', new Parameter([numFeatures], filled(0))) : null;
    const tracked = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', tracked ? new Buffer([numFeatures], filled(0)) : null);
    this.runningVar = this.registerBuffer('running_var', tracked ? new Buffer([numFeatures], filled(1)) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', tracked ? new CountBuffer() : null);
  }

  /**
   * PyTorch's `reset_running_stats()`: running_mean 0, running_var 1, num_batches_tracked 0 (e.g. before re-estimating
   * the statistics over a data set with `momentum = null`, the "precise BatchNorm" recipe).
   */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.runningMean!.data = new Float32Array(this.numFeatures);
    this.runningVar!.data = new Float32Array(this.numFeatures).fill(1);
    this.numBatchesTracked!.value = 0;
  }

  /** A float16 input with float32 statistics and affine parameters is fine (f32 arithmetic either way, as cuDNN's). */
  protected override checkDtype(_input: Tensor): void {}

  #checkRank(shape: readonly number[]): void {
    if (shape.length !== 4) throw new TorchError(normalizationMessages.inputRank('4D', shape.length), 'ValueError');
  }

  /** Batch statistics in training mode, or always without running statistics (PyTorch's `bn_training`). */
  get #usesBatchStats(): boolean {
    return this.training || !this.trackRunningStats;
  }

  /** The output shape for an input shape (the input's), or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    this.#checkRank(inputShape);
    planBatchNorm(
      inputShape,
      {
        runningMean: this.runningMean ? this.numFeatures : null,
        runningVar: this.runningVar ? this.numFeatures : null,
        weight: this.weight ? this.numFeatures : null,
      },
      this.#usesBatchStats,
    );
    return [...inputShape];
  }

  /** The update factor of this forward: momentum, or (momentum null) 1 / num_batches_tracked after the increment. */
  #nextFactor(): number {
    const counter = this.numBatchesTracked!;
    counter.value += 1;
    return this.momentum ?? 1 / counter.value;
  }

  protected run(x: Tensor): Tensor {
    this.outputShape(x.shape); // PyTorch's errors before any GPU work
    const device = x.device;
    const updates = this.training && this.trackRunningStats;
    const running = this.trackRunningStats ? [this.runningMean!.on(device, this.typeName), this.runningVar!.on(device, this.typeName)] : [null, null];
    const y = batchNorm(x, running[0]!, running[1]!, {
      weight: this.weight?.on(device, this.typeName) ?? null,
      bias: this.bias?.on(device, this.typeName) ?? null,
      training: this.#usesBatchStats,
      momentum: updates ? this.#nextFactor() : 0,
      eps: this.eps,
    });
    if (updates) for (const b of [this.runningMean!, this.runningVar!]) b.markUpdatedOnDevice();
    return y;
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    this.outputShape(shape);
    const plan = planBatchNorm(
      shape,
      { runningMean: this.runningMean ? this.numFeatures : null, runningVar: this.runningVar ? this.numFeatures : null },
      this.#usesBatchStats,
    );
    const updates = this.training && this.trackRunningStats;
    const runningMean = this.runningMean ? this.runningMean.data.slice() : null;
    const runningVar = this.runningVar ? this.runningVar.data.slice() : null;
    const { output } = batchNormReference(data, plan, {
      weight: this.weight?.data ?? null,
      bias: this.bias?.data ?? null,
      runningMean,
      runningVar,
      training: this.#usesBatchStats,
      momentum: updates ? this.#nextFactor() : 0,
      eps: this.eps,
    });
    if (updates) {
      this.runningMean!.data = runningMean!;
      this.runningVar!.data = runningVar!;
    }
    return { data: output, shape: [...shape] };
  }
}
