// PyTorch's max unpooling modules, MaxUnpool1d/2d/3d: the inverse of max pooling with indices.
import type { IndexData, TensorData } from '../core/tensorData.js';
import type { DType, Tensor } from '../core/tensor.js';
import type { IntOrTuple, Rank } from '../ops/pooling/args.js';
import { torchDtypeName, unpool } from '../ops/pooling/unpool.js';
import { maxUnpool } from '../ops/pooling/reference.js';
import { planMaxUnpool, resolveMaxUnpoolArgs, type MaxUnpoolArgs, type MaxUnpoolOptions, type UnpoolPlan } from '../ops/pooling/unpoolPlan.js';
import { Module } from './module.js';

type UnpoolExtra = [indices: Tensor<DType>, outputSize?: readonly number[] | null];
type UnpoolCpuExtra = [indices: IndexData | TensorData, outputSize?: readonly number[] | null];

abstract class MaxUnpoolNd extends Module<Tensor, TensorData, UnpoolExtra, UnpoolCpuExtra> {
  readonly args: Readonly<MaxUnpoolArgs>;

  constructor(rank: Rank, kernelSize: IntOrTuple, options: MaxUnpoolOptions) {
    super();
    this.args = Object.freeze(resolveMaxUnpoolArgs(rank, kernelSize, options));
  }

  #plan(shape: readonly number[], indicesShape: readonly number[], dtype: string, outputSize: readonly number[] | null): UnpoolPlan {
    return planMaxUnpool(shape, indicesShape, dtype, this.args, outputSize);
  }

  /** The output shape for an input (and indices) shape and PyTorch's `output_size`, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[], indicesShape: readonly number[] = inputShape, outputSize: readonly number[] | null = null): number[] {
    return [...this.#plan(inputShape, indicesShape, 'Long', outputSize).outputShape];
  }

  protected run(input: Tensor, indices: Tensor<DType>, outputSize: readonly number[] | null = null): Tensor {
    return unpool(input, indices, this.#plan(input.shape, indices.shape, torchDtypeName(indices), outputSize));
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
