// nn.AvgPool2d and nn.AdaptiveAvgPool2d: PyTorch's constructors, with the arguments checked at construction.
import { adaptiveAvgPool2dWithPlan, avgPool2dWithPlan, wholeMapDivisor } from '../functional.js';
import {
  checkAdaptiveOutputSize,
  checkAvgPool2dArgs,
  planAdaptiveAvgPool2d,
  planAvgPool2d,
  resolveAvgPool2dArgs,
  type AdaptiveAvgPool2dPlan,
  type AdaptiveOutputSize,
  type AvgPool2dArgs,
  type AvgPool2dPlan,
  type AvgPool2dOptions,
  type IntOrPair,
} from '../poolingPlan.js';
import * as reference from '../reference/index.js';
import type { TensorData } from '../reference/tensorData.js';
import { LastPlan } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * 2-D average pooling with PyTorch's exact semantics (ceil mode's last-window rule, count_include_pad
 * clipped at in+pad, divisor_override).
 * Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW).
 * @example new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
 */
export class AvgPool2d extends Module {
  protected readonly typeName = 'AvgPool2d';
  readonly args: Readonly<AvgPool2dArgs>;
  readonly #plans = new LastPlan<AvgPool2dPlan>();

  constructor(kernelSize: IntOrPair, options: AvgPool2dOptions = {}) {
    super();
    this.args = Object.freeze(resolveAvgPool2dArgs(kernelSize, options));
    checkAvgPool2dArgs(this.args);
  }

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): AvgPool2dPlan {
    return this.#plans.get(shape, (s) => planAvgPool2d(s, this.args));
  }

  /** @internal The divisor when this pool reduces each whole map of `shape` to one value (a global pool), else null. */
  globalDivisor(shape: readonly number[]): number | null {
    this.checkUsable(); // its caller runs the pool in its own kernel
    return wholeMapDivisor(this.#plan(shape));
  }

  protected run(input: Tensor): Tensor {
    return avgPool2dWithPlan(input, this.#plan(input.shape));
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    const { kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, countIncludePad, divisorOverride } = this.args;
    return reference.avgPool2d(data, shape, [kernelH, kernelW], { stride: [strideH, strideW], padding: [padH, padW], ceilMode, countIncludePad, divisorOverride });
  }
}

/**
 * Adaptive average pooling: any input size → `outputSize` (an int, or a pair whose `null` keeps that
 * dimension; larger than the input is allowed). Windows use PyTorch's integer bounds.
 * Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW).
 * @example new nn.AdaptiveAvgPool2d([null, 7])
 */
export class AdaptiveAvgPool2d extends Module {
  protected readonly typeName = 'AdaptiveAvgPool2d';
  readonly outputSize: AdaptiveOutputSize;
  readonly #plans = new LastPlan<AdaptiveAvgPool2dPlan>();

  constructor(outputSize: AdaptiveOutputSize) {
    super();
    checkAdaptiveOutputSize(outputSize);
    this.outputSize = Array.isArray(outputSize) ? (Object.freeze([...outputSize]) as AdaptiveOutputSize) : outputSize;
  }

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#plan(inputShape).outputShape;
  }

  #plan(shape: readonly number[]): AdaptiveAvgPool2dPlan {
    return this.#plans.get(shape, (s) => planAdaptiveAvgPool2d(s, this.outputSize));
  }

  /** @internal The divisor when this pool reduces each whole map of `shape` to one value (a global pool), else null. */
  globalDivisor(shape: readonly number[]): number | null {
    this.checkUsable(); // its caller runs the pool in its own kernel
    const plan = this.#plan(shape);
    return plan.isGlobalMean && plan.inH * plan.inW > 0 ? plan.inH * plan.inW : null;
  }

  protected run(input: Tensor): Tensor {
    return adaptiveAvgPool2dWithPlan(input, this.#plan(input.shape));
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    return reference.adaptiveAvgPool2d(data, shape, this.outputSize);
  }
}
