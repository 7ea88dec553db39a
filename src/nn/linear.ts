// nn.Linear: y = x · Wᵀ + b, PyTorch's parameter layout and initialisation.
import { TorchError } from '../core/errors.js';
import { denseLayer } from '../ops/linear/functional.js';
import type { ActivationName } from '../ops/activation/kernel.js';
import type { DenseLayer } from '../ops/linear/kernel.js';
import { planLinear } from '../ops/linear/plan.js';
import * as reference from '../ops/reference.js';
import type { TensorData } from '../core/tensorData.js';
import type { Tensor } from '../core/tensor.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { uniformArray as uniform } from '../core/random.js';

export interface LinearOptions {
  bias?: boolean;
}

/**
 * Applies y = x · Wᵀ + b. Weight (out, in) and bias (out) under the keys `weight`, `bias`.
 * Shapes: input (*, inFeatures) → output (*, outFeatures).
 */
export class Linear extends Module {
  protected readonly typeName = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [name, value] of [
      ['in_features', inFeatures],
      ['out_features', outFeatures],
    ] as const) {
      if (!Number.isSafeInteger(value)) throw new TypeError(`Linear(): argument '${name}' must be an int, but got ${String(value)}`);
      if (value < 0) throw new TorchError(`Trying to create tensor with negative dimension ${value}: [${outFeatures}, ${inFeatures}]`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // U(−bound, bound): PyTorch's kaiming_uniform_(a=√5) for weights and its bias init both give bound = 1/√fan_in.
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    // Transposed on the device, so neighbouring invocations of the kernels read neighbouring weights.
    this.weight = this.registerParameter('weight', new Parameter([outFeatures, inFeatures], uniform(outFeatures * inFeatures, bound), 'transposed'));
    this.bias = options.bias === false ? null : this.registerParameter('bias', new Parameter([outFeatures], uniform(outFeatures, bound)));
  }

  /** Checks an input shape and returns the output shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return planLinear(inputShape, this.weight.shape).outputShape;
  }

  /** @internal The parameters on `device` (the weight transposed, [in, out]) with the activation to fuse after them. */
  dense(device: GPUDevice, activation: ActivationName): DenseLayer<Tensor> {
    this.checkUsable();
    return { weight: this.weight.on(device, this.typeName), bias: this.bias?.on(device, this.typeName) ?? null, activation };
  }

  /** @internal Linear followed by an activation, in one dispatch (nn.Sequential fuses them). */
  forwardWithActivation(input: Tensor, activation: ActivationName): Tensor {
    this.checkUsable();
    this.outputShape(input.shape); // PyTorch's shape error before touching the device
    return denseLayer(input, this.dense(input.device, activation));
  }

  protected run(input: Tensor): Tensor {
    return this.forwardWithActivation(input, 'identity');
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    return reference.linear(data, shape, this.weight, this.bias);
  }
}
