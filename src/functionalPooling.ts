// The functional ops of the rest of the pooling family (PyTorch's F.max_pool1d … F.max_unpool3d): plan (checks,
// in PyTorch's order, before any GPU work; src/poolNdPlan.ts), then record one kernel. avg_pool1d and
// adaptive_avg_pool1d run on the 2-D kernels, as PyTorch runs them.
import { TorchError, WebGPULayersError, messages } from './errors.js';
import { adaptiveAvgPool2dWithPlan, avgPool2dWithPlan, meanOfEmpty, produceAll } from './functional.js';
import { launchGlobalAvgPool2d } from './kernels/globalAvgPool2d.js';
import { launchMaxUnpool } from './kernels/maxUnpool.js';
import { adaptiveWindowsFitU32, launchAdaptivePool } from './kernels/poolAdaptive.js';
import { launchWindowPool } from './kernels/poolWindow.js';
import {
  planAdaptiveAvgPool1d,
  planAdaptiveAvgPool3d,
  planAdaptiveMaxPool,
  planAvgPool1d,
  planAvgPool3d,
  planLPPool,
  planMaxPool,
  planMaxUnpool,
  resolveAvgPoolArgs,
  resolveLPPoolArgs,
  resolveMaxPoolArgs,
  resolveMaxUnpoolArgs,
  unpoolVolumeSizes,
  type AdaptiveMaxPoolOptions,
  type AdaptivePlan,
  type AdaptiveSize,
  type AvgPool1dOptions,
  type AvgPool3dOptions,
  type IntOrTuple,
  type LPPoolOptions,
  type MaxPoolOptions,
  type MaxUnpoolOptions,
  type Rank,
  type UnpoolPlan,
  type VolumeGeometry,
  type WindowPlan,
} from './poolNdPlan.js';
import { Tensor, type DType } from './tensor.js';

/** Values and their argmax indices (flat within each input plane), as PyTorch's `return_indices=True` gives. */
export type WithIndices = [values: Tensor, indices: Tensor<'int32'>];

/** Max pooling's result type for its options: with `returnIndices: true`, values and indices. */
export type MaxPoolResult<O> = O extends { returnIndices: true } ? WithIndices : Tensor;

/** PyTorch's int64 indices fit int32 while a plane has fewer than 2³¹ elements. */
function checkIndexable(op: string, plan: VolumeGeometry): void {
  const volume = plan.input[0] * plan.input[1] * plan.input[2];
  if (volume >= 2 ** 31) {
    throw new WebGPULayersError('too-large', `${op}(): an input plane of ${volume} elements is too large for int32 indices (at most 2³¹ − 1)`);
  }
}

/** Records `launch` into a new output (and, with indices, an int32 tensor shaped like it). */
function pooled(
  op: string,
  input: Tensor,
  plan: VolumeGeometry & { returnIndices: boolean },
  launch: (x: GPUBufferBinding, y: GPUBufferBinding, indices: GPUBufferBinding | null) => Promise<void>,
): Tensor | WithIndices {
  if (plan.returnIndices) checkIndexable(op, plan);
  const outputs = plan.returnIndices ? [{ shape: plan.outputShape }, { shape: plan.outputShape, dtype: 'int32' as const }] : [{ shape: plan.outputShape }];
  const [values, indices] = produceAll(op, [input], outputs, (x, [y, i]) => launch(x, y!, i ?? null));
  return indices ? [values as Tensor, indices as Tensor<'int32'>] : (values as Tensor);
}

/** @internal Max, average or LP pooling on a plan made for this input's shape. */
export function windowPoolWithPlan(input: Tensor, plan: WindowPlan): Tensor | WithIndices {
  const op = plan.mode === 'max' ? `max_pool${plan.inputShape.length}d` : `${plan.mode}_pool`;
  return pooled(op, input, plan, (x, y, indices) => launchWindowPool(input.device, plan, x, y, indices));
}

/** @internal Adaptive pooling on a plan made for this input's shape. */
export function adaptivePoolWithPlan(input: Tensor, plan: AdaptivePlan): Tensor | WithIndices {
  const op = `adaptive_${plan.mode}_pool`;
  const volume = plan.input[0] * plan.input[1] * plan.input[2];
  if (plan.isGlobalMean) {
    if (volume === 0 && plan.planes > 0) return meanOfEmpty(op, input, plan.planes, plan.outputShape);
    return pooled(op, input, plan, (x, y) => launchGlobalAvgPool2d(input.device, plan.planes, volume, volume, x, y));
  }
  if (!adaptiveWindowsFitU32(plan)) {
    throw new WebGPULayersError('too-large', `${op} from ${plan.input.join('x')} to ${plan.output.join('x')} is too large for the kernel's 32-bit window arithmetic`);
  }
  return pooled(op, input, plan, (x, y, indices) => launchAdaptivePool(input.device, plan, x, y, indices));
}

function maxPool(rank: Rank, input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions): Tensor | WithIndices {
  return windowPoolWithPlan(input, planMaxPool(input.shape, resolveMaxPoolArgs(rank, kernelSize, options)));
}

/**
 * PyTorch's `F.max_pool1d`: input (N, C, L) or (C, L). Padding is −∞; a NaN in a window wins (its last NaN).
 * @example const [values, indices] = F.maxPool1d(x, 3, { stride: 2, returnIndices: true })
 */
export function maxPool1d<O extends MaxPoolOptions = {}>(input: Tensor, kernelSize: IntOrTuple, options?: O): MaxPoolResult<O> {
  return maxPool(1, input, kernelSize, options ?? {}) as MaxPoolResult<O>;
}

/**
 * PyTorch's `F.max_pool2d`: input (N, C, H, W) or (C, H, W); dilation, ceil mode, indices flat within H·W.
 * @example F.maxPool2d(x, 3, { stride: 2, padding: 1 }) // the ResNet stem
 */
export function maxPool2d<O extends MaxPoolOptions = {}>(input: Tensor, kernelSize: IntOrTuple, options?: O): MaxPoolResult<O> {
  return maxPool(2, input, kernelSize, options ?? {}) as MaxPoolResult<O>;
}

/** PyTorch's `F.max_pool3d`: input (N, C, D, H, W) or (C, D, H, W); indices flat within D·H·W. */
export function maxPool3d<O extends MaxPoolOptions = {}>(input: Tensor, kernelSize: IntOrTuple, options?: O): MaxPoolResult<O> {
  return maxPool(3, input, kernelSize, options ?? {}) as MaxPoolResult<O>;
}

/** PyTorch's `F.avg_pool1d` (no divisor_override, as in PyTorch): input (N, C, L) or (C, L). */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, options: AvgPool1dOptions = {}): Tensor {
  return avgPool2dWithPlan(input, planAvgPool1d(input.shape, resolveAvgPoolArgs(1, kernelSize, options)));
}

/** PyTorch's `F.avg_pool3d`: input (N, C, D, H, W) or (C, D, H, W). */
export function avgPool3d(input: Tensor, kernelSize: IntOrTuple, options: AvgPool3dOptions = {}): Tensor {
  return windowPoolWithPlan(input, planAvgPool3d(input.shape, resolveAvgPoolArgs(3, kernelSize, options))) as Tensor;
}

/** PyTorch's `F.lp_pool1d`: (Σ x^p over the window)^(1/p), by PyTorch's formula (negative inputs, ceil mode included). */
export function lpPool1d(input: Tensor, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}): Tensor {
  return windowPoolWithPlan(input, planLPPool(input.shape, resolveLPPoolArgs(1, normType, kernelSize, options))) as Tensor;
}

/** PyTorch's `F.lp_pool2d`. */
export function lpPool2d(input: Tensor, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}): Tensor {
  return windowPoolWithPlan(input, planLPPool(input.shape, resolveLPPoolArgs(2, normType, kernelSize, options))) as Tensor;
}

/** PyTorch's `F.adaptive_avg_pool1d`: input (N, C, L) or (C, L) → (…, outputSize). */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly [number]): Tensor {
  return adaptiveAvgPool2dWithPlan(input, planAdaptiveAvgPool1d(input.shape, outputSize));
}

/** PyTorch's `F.adaptive_avg_pool3d`: input (N, C, D, H, W) or (C, D, H, W); `null` keeps a dim. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptivePoolWithPlan(input, planAdaptiveAvgPool3d(input.shape, outputSize)) as Tensor;
}

function adaptiveMaxPool(rank: Rank, input: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions): Tensor | WithIndices {
  return adaptivePoolWithPlan(input, planAdaptiveMaxPool(input.shape, { rank, outputSize, returnIndices: options.returnIndices ?? false }));
}

/** PyTorch's `F.adaptive_max_pool1d`. */
export function adaptiveMaxPool1d<O extends AdaptiveMaxPoolOptions = {}>(input: Tensor, outputSize: AdaptiveSize, options?: O): MaxPoolResult<O> {
  return adaptiveMaxPool(1, input, outputSize, options ?? {}) as MaxPoolResult<O>;
}

/** PyTorch's `F.adaptive_max_pool2d` (no WebGPU peer has it). */
export function adaptiveMaxPool2d<O extends AdaptiveMaxPoolOptions = {}>(input: Tensor, outputSize: AdaptiveSize, options?: O): MaxPoolResult<O> {
  return adaptiveMaxPool(2, input, outputSize, options ?? {}) as MaxPoolResult<O>;
}

/** PyTorch's `F.adaptive_max_pool3d`. */
export function adaptiveMaxPool3d<O extends AdaptiveMaxPoolOptions = {}>(input: Tensor, outputSize: AdaptiveSize, options?: O): MaxPoolResult<O> {
  return adaptiveMaxPool(3, input, outputSize, options ?? {}) as MaxPoolResult<O>;
}

/** PyTorch's name of a tensor's element type, for the indices check ("Long": the kit's int32 stands for int64). */
export const torchDtypeName = (t: { dtype: DType }) => (t.dtype === 'int32' ? 'Long' : 'Float') as 'Long' | 'Float';

/**
 * @internal Max unpooling on a plan: zeros, with each value at its index. An index outside its plane cannot be
 * seen before the GPU runs: the kernel skips it, and the output's `toArray()` rejects with PyTorch's "Found an
 * invalid max index" error (one 8-byte readback per call checks it).
 */
export function maxUnpoolWithPlan(input: Tensor, indices: Tensor<DType>, plan: UnpoolPlan): Tensor {
  const device = input.device;
  const sizes = unpoolVolumeSizes(plan);
  const outputs = [{ shape: plan.outputShape }, { shape: [Math.max(1, plan.outputShape.reduce((a, b) => a * b, 1))], dtype: 'int32' as const }, { shape: [2], dtype: 'int32' as const }];
  const [output, claims, status] = produceAll('max_unpool', [input], outputs, (x, [y, c, s]) =>
    launchMaxUnpool(device, plan, { input: x, indices: indices.binding, output: y!, claims: c!, status: s! }),
  { indexInputs: [indices] });
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
  output!.setWrittenBy(checked);
  return output as Tensor;
}

function maxUnpool(rank: Rank, input: Tensor, indices: Tensor<DType>, kernelSize: IntOrTuple, options: MaxUnpoolOptions & { outputSize?: readonly number[] | null }): Tensor {
  const plan = planMaxUnpool(input.shape, indices.shape, torchDtypeName(indices), resolveMaxUnpoolArgs(rank, kernelSize, options), options.outputSize ?? null);
  return maxUnpoolWithPlan(input, indices, plan);
}

/** Options of `F.maxUnpool*d`: PyTorch's `output_size` (the spatial sizes, or with N and C in front). */
export interface MaxUnpoolCallOptions extends MaxUnpoolOptions {
  outputSize?: readonly number[] | null;
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
