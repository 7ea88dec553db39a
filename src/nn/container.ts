// nn.Sequential and nn.Flatten.
import { TorchError, messages } from '../core/errors.js';
import type { DenseLayer } from '../ops/linear/kernel.js';
import type { TensorData } from '../core/tensorData.js';
import type { Tensor } from '../core/tensor.js';
import { Activation } from './activation.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/**
 * Runs its children in order; they are keyed "0", "1", ... as in PyTorch, so a state dict reads
 * `fc.0.weight`. A Linear followed by an activation runs as one fused dispatch.
 * Shapes: whatever its children take and give.
 */
export class Sequential extends Module {
  protected readonly typeName = 'Sequential';
  readonly #layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.#layers = layers;
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The i-th child, like `sequential[i]` in PyTorch. */
  at(index: number): Module {
    const layer = this.#layers.at(index);
    if (!layer) throw new RangeError(`index ${index} is out of range for a Sequential of ${this.#layers.length}`);
    return layer;
  }

  /** The output shape for an input shape, or the first child's PyTorch error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.#layers.reduce<number[]>((shape, layer) => layer.outputShape(shape), [...inputShape]);
  }

  /**
   * The children as dense layers on `device` when they are Linears, each optionally followed by an activation
   * (what an SE block's MLP is), so a caller can fuse them; null otherwise.
   */
  denseLayers(device: GPUDevice): DenseLayer<Tensor>[] | null {
    const layers: DenseLayer<Tensor>[] = [];
    for (let i = 0; i < this.#layers.length; i++) {
      const layer = this.#layers[i]!;
      if (!(layer instanceof Linear)) return null;
      const next = this.#layers[i + 1];
      const activation = next instanceof Activation ? next.activation : 'identity';
      if (next instanceof Activation) i++;
      layers.push(layer.dense(device, activation));
    }
    return layers;
  }

  protected run(input: Tensor): Tensor {
    let current = input;
    for (let i = 0; i < this.#layers.length; i++) {
      const layer = this.#layers[i]!;
      const next = this.#layers[i + 1];
      let output: Tensor;
      if (layer instanceof Linear && next instanceof Activation) {
        output = layer.forwardWithActivation(current, next.activation);
        i++;
      } else {
        output = layer.forward(current);
      }
      // Intermediates are released as soon as the kernel that reads them is recorded.
      if (current !== input) current.dispose();
      current = output;
    }
    return current === input ? input.reshape(input.shape) : current;
  }

  protected runCpu(input: TensorData): TensorData {
    return this.#layers.reduce((x, layer) => layer.forwardCpu(x), input);
  }
}

/** PyTorch's dim wrapping: dims in [−rank, rank), a 0-d tensor counted as rank 1. */
function wrapDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r) throw new TorchError(messages.dimensionOutOfRange(rank, dim), 'IndexError');
  return dim < 0 ? dim + r : dim;
}

/** torch.flatten(x, startDim, endDim)'s output shape, or PyTorch's error. */
export function flattenShape(shape: readonly number[], startDim = 1, endDim = -1): number[] {
  const start = wrapDim(startDim, shape.length);
  const end = wrapDim(endDim, shape.length);
  if (start > end) throw new TorchError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (shape.length === 0) return [1];
  const merged = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return [...shape.slice(0, start), merged, ...shape.slice(end + 1)];
}

/**
 * Flattens dims startDim..endDim into one; a view, no copy.
 * Shapes: input (*, S_start, ..., S_end, *) → output (*, ∏S, *).
 */
export class Flatten extends Module {
  protected readonly typeName = 'Flatten';

  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  outputShape(inputShape: readonly number[]): number[] {
    return flattenShape(inputShape, this.startDim, this.endDim);
  }

  protected run(input: Tensor): Tensor {
    return input.reshape(this.outputShape(input.shape));
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    return { data, shape: this.outputShape(shape) };
  }
}
