// nn.Dropout and nn.Identity: PyTorch's modules over F.dropout (a mask in training, the identity in eval) and the
// identity (a placeholder layer, as in torchvision's trees).
import type { Tensor } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { uniform01 } from '../core/random.js';
import { checkDropoutProbability, dropout } from '../ops/dropout/functional.js';
import { Module } from './module.js';

/**
 * During training, zeroes each element with probability p (a mask from the kit's seeded generator) and scales the
 * rest by 1/(1 − p); in eval mode, the identity. Shapes: input (*) → output (*).
 */
export class Dropout extends Module {
  protected readonly typeName = 'Dropout';
  readonly p: number;

  constructor(p = 0.5, _options: { inplace?: boolean } = {}) {
    super();
    this.p = checkDropoutProbability(p);
  }

  /** The output shape for an input shape: the same. */
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  protected run(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }

  /** The CPU reference: its own mask from the kit's generator (the GPU's mask is a hash of a seed; both keep 1 − p). */
  protected runCpu({ data, shape }: TensorData): TensorData {
    if (!this.training) return { data: data.slice(), shape: [...shape] };
    const scale = this.p === 1 ? 0 : 1 / (1 - this.p);
    return { data: data.map((v) => (uniform01() >= this.p ? v * scale : 0)), shape: [...shape] };
  }
}

/** A placeholder that returns its input (PyTorch's nn.Identity; its arguments are ignored). Shapes: (*) → (*). */
export class Identity extends Module {
  protected readonly typeName = 'Identity';

  constructor(..._args: unknown[]) {
    super();
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  protected run(x: Tensor): Tensor {
    return x.reshape(x.shape); // a new view: callers (Sequential) dispose what a child returns
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    return { data: data.slice(), shape: [...shape] };
  }
}
