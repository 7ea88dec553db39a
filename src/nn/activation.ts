// nn.ReLU, nn.ReLU6, nn.Sigmoid, nn.Hardsigmoid, nn.Hardswish: elementwise, any shape. nn.Sequential fuses
// them into the Linear before them. `inplace` is accepted for PyTorch parity; outputs are always new tensors.
import { activation } from '../ops/activation/functional.js';
import type { ActivationName } from '../ops/activation/kernel.js';
import * as reference from '../ops/reference.js';
import type { TensorData } from '../core/tensorData.js';
import type { Tensor } from '../core/tensor.js';
import { Module } from './module.js';

export interface ActivationOptions {
  /** Accepted for PyTorch parity; WebGPU outputs are always new tensors. */
  inplace?: boolean;
}

/** Shapes: input (*) → output (*), same shape. */
export abstract class Activation extends Module {
  abstract readonly activation: ActivationName;

  constructor(_options: ActivationOptions = {}) {
    super();
  }

  /** The output shape for an input shape: the same (elementwise); no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  protected run(input: Tensor): Tensor {
    return activation(input, this.activation);
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    return reference.activation(data, shape, this.activation);
  }
}

/** max(0, x). */
export class ReLU extends Activation {
  protected readonly typeName = 'ReLU';
  readonly activation = 'relu';
}

/** min(max(0, x), 6). */
export class ReLU6 extends Activation {
  protected readonly typeName = 'ReLU6';
  readonly activation = 'relu6';
}

/** 1 / (1 + e^−x). */
export class Sigmoid extends Activation {
  protected readonly typeName = 'Sigmoid';
  readonly activation = 'sigmoid';
}

/** relu6(x + 3) / 6. */
export class Hardsigmoid extends Activation {
  protected readonly typeName = 'Hardsigmoid';
  readonly activation = 'hardsigmoid';
}

/** x · relu6(x + 3) / 6. */
export class Hardswish extends Activation {
  protected readonly typeName = 'Hardswish';
  readonly activation = 'hardswish';
}
