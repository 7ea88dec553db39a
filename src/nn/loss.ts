// nn.CrossEntropyLoss and nn.MSELoss: modules over the losses' functional ops (forward(input, target)), with the
// CPU reference behind forwardCpu.
import { WebGPULayersError } from '../core/errors.js';
import type { DType, Tensor } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { crossEntropy, mseLoss } from '../ops/loss/functional.js';
import { requireTensor } from '../ops/produce.js';
import { checkReduction, planCrossEntropy, planMSELoss, type CrossEntropyOptions, type MSELossOptions } from '../ops/loss/plan.js';
import * as lossReference from '../ops/loss/reference.js';
import { Module } from './module.js';

/**
 * PyTorch's CrossEntropyLoss (log-softmax, then the negative log-likelihood). Shapes: input (N, C) or (N, C, d…);
 * target int32 class indices (N) / (N, d…), or probabilities like the input → a [] loss ((N, d…) under 'none').
 */
export class CrossEntropyLoss extends Module<Tensor, TensorData, [target: Tensor<DType>], [target: { data: Int32Array | Float32Array }]> {
  protected readonly typeName = 'CrossEntropyLoss';
  readonly options: CrossEntropyOptions;

  constructor(options: CrossEntropyOptions = {}) {
    super();
    if (options.weight != null) requireTensor('CrossEntropyLoss', 'weight', options.weight);
    checkReduction(options.reduction);
    this.options = { ...options };
  }

  /**
   * The loss's shape for an input shape and a target (class indices of shape (N, d…) by default; `probabilities`:
   * a target shaped like the input): [] reduced, else (N, d…); or PyTorch's error. No GPU work.
   */
  outputShape(inputShape: readonly number[], targetShape?: readonly number[], probabilities = false): number[] {
    const shape = targetShape ?? (probabilities ? inputShape : [inputShape[0] ?? 0, ...inputShape.slice(2)]);
    const target = { shape, dtype: probabilities ? ('float32' as const) : ('int32' as const) };
    return planCrossEntropy(inputShape, target, { ...this.options, weight: this.options.weight }).outputShape;
  }

  protected run(input: Tensor, target: Tensor<DType>): Tensor {
    return crossEntropy(input, target, this.options);
  }

  protected runCpu({ data, shape }: TensorData, target: { data: Int32Array | Float32Array }): TensorData {
    // The class weights are a GPU tensor, which the CPU cannot read synchronously: say so rather than ignore them.
    if (this.options.weight) {
      throw new WebGPULayersError(
        'invalid-argument',
        'CrossEntropyLoss.forwardCpu: class weights are a GPU tensor; use reference.crossEntropy with their values',
      );
    }
    const { loss } = lossReference.crossEntropy(data, shape, target.data, { ...this.options, weight: null });
    return { data: loss, shape: this.options.reduction === 'none' ? [shape[0]!, ...shape.slice(2)] : [] };
  }
}

/** PyTorch's MSELoss: mean (sum, none) of (input − target)². */
export class MSELoss extends Module<Tensor, TensorData, [target: Tensor], [target: { data: Float32Array }]> {
  protected readonly typeName = 'MSELoss';
  readonly options: MSELossOptions;

  constructor(options: MSELossOptions = {}) {
    super();
    checkReduction(options.reduction);
    this.options = { ...options };
  }

  /** The loss's shape for an input (and target) shape: [] reduced, else the input's; or PyTorch's error. No GPU work. */
  outputShape(inputShape: readonly number[], targetShape: readonly number[] = inputShape): number[] {
    return planMSELoss(inputShape, targetShape, this.options).outputShape;
  }

  protected run(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }

  protected runCpu({ data, shape }: TensorData, target: { data: Float32Array }): TensorData {
    const { loss } = lossReference.mseLoss(data, target.data, this.options.reduction);
    return { data: loss, shape: this.options.reduction === 'none' ? [...shape] : [] };
  }
}
