// Max unpooling (PyTorch's F.max_unpool1d/2d/3d): zeros with each value at its index; an invalid index is found by
// the kernel and reported by the output's read, in PyTorch's words.
import { record } from '../../autograd/graph.js';
import { TorchError } from '../../core/errors.js';
import { sameAsContiguous } from '../../core/memoryFormat.js';
import type { DType, Tensor } from '../../core/tensor.js';
import { produceAll, TORCH_DTYPES } from '../produce.js';
import { product, type IntOrTuple, type Rank } from './args.js';
import { maxUnpoolBackward } from './backward.js';
import { launchMaxUnpool } from './unpoolKernel.js';
import { poolingMessages as messages } from './messages.js';
import { planMaxUnpool, resolveMaxUnpoolArgs, unpoolVolumeSizes, type MaxUnpoolOptions, type UnpoolPlan } from './unpoolPlan.js';

/** PyTorch's name of a tensor's dtype as max unpooling's checks print it: int32 indices stand for torch's int64 (Long). */
export const torchDtypeName = (t: { dtype: DType }) => (t.dtype === 'int32' ? 'Long' : TORCH_DTYPES[t.dtype]);

/**
 * @internal Max unpooling on a plan: zeros, with each value at its index. An index outside its plane cannot be
 * seen before the GPU runs: the kernel skips it, and the output's `toArray()` rejects with PyTorch's "Found an
 * invalid max index" error (one 8-byte readback per call checks it).
 */
export function unpool(input: Tensor, indices: Tensor<DType>, plan: UnpoolPlan): Tensor {
  if (indices.dtype === 'int32' && !sameAsContiguous(indices.shape, indices.memoryFormat)) {
    // Channels-last indices (a channels-last max pool's): read in the logical order.
    const logical = indices.contiguous();
    try {
      return unpool(input, logical, plan);
    } finally {
      logical.dispose();
    }
  }
  if (!sameAsContiguous(input.shape, input.memoryFormat)) {
    // Channels last: unpooled in the contiguous format, laid out back (PyTorch keeps channels_last through max_unpool2d).
    const contiguous = input.contiguous();
    const output = unpool(contiguous, indices, plan);
    contiguous.dispose();
    if (input.memoryFormat !== 'channelsLast') return output;
    const kept = output.contiguous('channelsLast');
    kept.setWrittenBy(Promise.all([kept.whenWritten, output.whenWritten]).then(() => {})); // keeps the invalid-index error
    output.dispose();
    return kept;
  }
  const device = input.device;
  const sizes = unpoolVolumeSizes(plan);
  const outputs = [
    { shape: plan.outputShape },
    { shape: [Math.max(1, product(plan.outputShape))], dtype: 'int32' as const },
    { shape: [2], dtype: 'int32' as const },
  ];
  const [output, claims, status] = produceAll(
    plan.op,
    [input],
    outputs,
    (x, [y, c, s], dtype) => launchMaxUnpool(device, plan, { input: x, indices: indices.binding, output: y!, claims: c!, status: s! }, dtype === 'float16'),
    { indexTensors: [indices], halves: 'convert' },
  );
  claims!.dispose(); // returns to the pool once the recorded work is submitted
  if (output!.size === 0 || input.size === 0) {
    status!.dispose();
    return output as Tensor;
  }
  const checked = status!
    .toArray()
    .then(([position, index]) => {
      if (position! >= 0) throw new TorchError(messages.invalidMaxIndex(index!, sizes));
    })
    .finally(() => status!.dispose());
  checked.catch(() => {}); // reported to whoever reads the output; never an unhandled rejection
  output!.setWrittenBy(Promise.all([output!.whenWritten, checked]).then(() => {})); // the kernels' work (a float16 conversion too), then the check
  const rank = Number(/(\d)d$/.exec(plan.op)![1]);
  const planes = product(input.shape.slice(0, -rank));
  const outVolume = product(plan.outputShape.slice(-rank));
  return record(
    plan.op.endsWith('1d') ? 'SqueezeBackward1' : `MaxUnpool${rank}DBackward0`,
    [input],
    output as Tensor,
    [indices as unknown as Tensor],
    (grad, _needs, [saved]) => [maxUnpoolBackward(grad, saved as unknown as Tensor<'int32'>, input.shape, planes, outVolume)],
  );
}

/** Options of `F.maxUnpool*d`: PyTorch's `output_size` (the spatial sizes, or with N and C in front). */
export interface MaxUnpoolCallOptions extends MaxUnpoolOptions {
  outputSize?: readonly number[] | null;
}

function maxUnpool(rank: Rank, input: Tensor, indices: Tensor<DType>, kernelSize: IntOrTuple, options: MaxUnpoolCallOptions): Tensor {
  const plan = planMaxUnpool(input.shape, indices.shape, torchDtypeName(indices), resolveMaxUnpoolArgs(rank, kernelSize, options), options.outputSize ?? null);
  return unpool(input, indices, plan);
}

/** PyTorch's `F.max_unpool1d`: the inverse of max_pool1d with indices (int32, as the kit's max pooling gives them). */
export function maxUnpool1d(input: Tensor, indices: Tensor<DType>, kernelSize: IntOrTuple, options: MaxUnpoolCallOptions = {}): Tensor {
  return maxUnpool(1, input, indices, kernelSize, options);
}

/** PyTorch's `F.max_unpool2d`. */
export function maxUnpool2d(input: Tensor, indices: Tensor<DType>, kernelSize: IntOrTuple, options: MaxUnpoolCallOptions = {}): Tensor {
  return maxUnpool(2, input, indices, kernelSize, options);
}

/** PyTorch's `F.max_unpool3d`. */
export function maxUnpool3d(input: Tensor, indices: Tensor<DType>, kernelSize: IntOrTuple, options: MaxUnpoolCallOptions = {}): Tensor {
  return maxUnpool(3, input, indices, kernelSize, options);
}
