// The pooling family's functional ops (PyTorch's F.avg_pool1d … F.adaptive_max_pool3d; unpooling in unpool.ts): plan (checks, in PyTorch's order,
// before any GPU work), then record the kind's kernel. Whole-map average windows and 1×1 adaptive pools take the
// global reduction, at every rank.
import { needsGrad, record, refuseGrad } from '../../autograd/graph.js';
import { WebGPULayersError } from '../../core/errors.js';
import { sameAsContiguous, type MemoryFormat } from '../../core/memoryFormat.js';
import { Tensor } from '../../core/tensor.js';
import { defineTuning } from '../../runtime/strategies.js';
import { checkInputs, produceAll } from '../produce.js';
import { onInput } from '../tuning.js';
import { product, type AdaptiveOutputSize, type AdaptiveSize, type IntOrPair, type IntOrTuple, type Rank, type VolumeGeometry } from './args.js';
import {
  globalMeanDivisor,
  planAdaptiveAvgPool1d,
  planAdaptiveAvgPool2d,
  planAdaptiveAvgPool3d,
  planAdaptiveMaxPool,
  type AdaptiveMaxPoolOptions,
  type AdaptivePlan,
} from './adaptivePlan.js';
import { lpStage, poolBackward, poolGradFnName, type TrainablePlan } from './backward.js';
import { adaptivePoolWritesHalves, adaptiveWindowsFitU32, launchAdaptivePool, launchWindowPool, type PoolStorage, windowPoolWritesHalves } from './kernels.js';
import { launchGlobalAvgPool } from './globalKernel.js';
import { poolingMessages as messages } from './messages.js';
import {
  planAvgPool1d,
  planAvgPool2d,
  planAvgPool3d,
  planLPPool,
  resolveAvgPool2dArgs,
  resolveAvgPoolArgs,
  resolveLPPoolArgs,
  wholeVolumeDivisor,
  type AvgPool1dOptions,
  type AvgPool2dOptions,
  type AvgPool3dOptions,
  type LPPoolOptions,
  type WindowPlan,
} from './windowPlan.js';
import { planMaxPool, resolveMaxPoolArgs, type MaxPoolOptions } from './maxPoolPlan.js';

/** Values and their argmax indices (flat within each input plane), as PyTorch's `return_indices=True` gives. */
export type WithIndices = [values: Tensor, indices: Tensor<'int32'>];

/** Max pooling's result type for its options: with `returnIndices: true`, values and indices. */
export type MaxPoolResult<O> = O extends { returnIndices: true } ? WithIndices : Tensor;

/** Any pooling plan but unpooling's. */
export type PoolPlan = WindowPlan | AdaptivePlan;

/**
 * The divisor when the plan reduces each whole input volume to one value (a global pool: the SE blocks and the
 * ResNet head fuse it into their kernels), else null.
 */
export function globalDivisor(plan: PoolPlan): number | null {
  return 'kernel' in plan ? wholeVolumeDivisor(plan) : globalMeanDivisor(plan);
}

/** PyTorch's int64 indices fit int32 while a plane has fewer than 2³¹ elements. */
function checkIndexable(plan: VolumeGeometry): void {
  const volume = product(plan.input);
  if (volume >= 2 ** 31) throw new WebGPULayersError('too-large', messages.indicesTooLarge(plan.op, volume));
}

/**
 * Records `launch` into a new output (and, with indices, an int32 tensor shaped like it). A float16 kernel writes its
 * halves itself (`halves: 'kernel'`) or f32 that one conversion rounds after.
 */
function pooled(
  input: Tensor,
  plan: VolumeGeometry & { returnIndices: boolean },
  launch: (x: GPUBufferBinding, y: GPUBufferBinding, indices: GPUBufferBinding | null, half: boolean) => Promise<void>,
  memoryFormat: MemoryFormat = 'contiguous',
  halves: 'convert' | 'kernel' = 'convert',
): Tensor | WithIndices {
  if (plan.returnIndices) checkIndexable(plan);
  const values = { shape: plan.outputShape, memoryFormat };
  const outputs = plan.returnIndices ? [values, { ...values, dtype: 'int32' as const }] : [values];
  const [y, indices] = produceAll(plan.op, [input], outputs, (x, [out, i], dtype) => launch(x, out!, i ?? null, dtype === 'float16'), {
    halves,
    layouts: 'any', // the global average and the windows take channels last (pool() converts for the rest)
  });
  return indices ? [y as Tensor, indices as Tensor<'int32'>] : (y as Tensor);
}

/**
 * @internal Runs a pooling plan made for this input's shape: the kind's kernel, or the global reduction. Recorded for
 * backward when the input requires grad: average windows and adaptive averages; the other kinds refuse to train.
 */
export function pool(input: Tensor, plan: PoolPlan): Tensor | WithIndices {
  // The kernels read every channels-last layout; 3-D windows return contiguous output (inContiguousFormat).
  const contiguousOutput = globalDivisor(plan) === null && input.memoryFormat === 'channelsLast3d';
  if (contiguousOutput && !sameAsContiguous(input.shape, input.memoryFormat)) return inContiguousFormat(input, plan);
  return poolAsLaidOut(input, plan);
}

function poolAsLaidOut(input: Tensor, plan: PoolPlan): Tensor | WithIndices {
  if (!needsGrad([input])) return forwardPool(input, plan);
  if (plan.mode === 'lp') {
    if (!Number.isFinite(plan.normType)) refuseGrad(`${plan.op} with an infinite norm_type`, [input]);
    return record('PowBackward0', [input], forwardPool(input, plan) as Tensor, [input], (grad, _needs, [x]) => [lpPoolBackward(grad, x!, plan)]);
  }
  const trainable = plan as TrainablePlan;
  const name = poolGradFnName(trainable);
  if (plan.mode === 'avg') return record(name, [input], forwardPool(input, plan) as Tensor, [], (grad) => [poolBackward(grad, trainable)]);
  // Max pooling's backward needs the argmax: the forward returns indices whether or not the caller asked for them.
  const [values, indices] = forwardPool(input, { ...plan, returnIndices: true } as PoolPlan) as WithIndices;
  record(name, [input], values, [indices as unknown as Tensor], (grad, _needs, [saved]) => [
    poolBackward(grad, trainable, saved as unknown as Tensor<'int32'>),
  ]);
  if (plan.returnIndices) return [values, indices];
  indices.dispose();
  return values;
}

/**
 * LP pooling's gradient through its composite (torch/nn/functional.py's lp_pool): S = avg_pool(x^p) again, dS from the
 * output gradient, the average pool's backward, then · p·x^(p−1).
 */
function lpPoolBackward(grad: Tensor, x: Tensor, plan: WindowPlan): Tensor {
  const avg = { ...plan, mode: 'avg' as const };
  const powered = lpStage(0, x, null, plan);
  const sums = forwardPool(powered, avg) as Tensor;
  powered.dispose();
  const dSums = lpStage(1, grad, sums, plan);
  sums.dispose();
  const dPowered = poolBackward(dSums, avg);
  dSums.dispose();
  const dx = lpStage(2, dPowered, x, plan);
  dPowered.dispose();
  return dx;
}

/**
 * A channelsLast3d input of a 3-D window or adaptive pool: the kernels read it as laid out, and the (smaller) output
 * and indices are laid out contiguous, as PyTorch 1.13's CPU 3-D pooling returns (its CUDA kernels keep
 * channels_last_3d for some). Differentiable: the layout step is contiguous()'s CloneBackward0.
 */
function inContiguousFormat(input: Tensor, plan: PoolPlan): Tensor | WithIndices {
  const pooledLast = poolAsLaidOut(input, plan);
  const laidOut = <T extends Tensor | Tensor<'int32'>>(t: T): T => {
    const contiguous = t.contiguous() as T;
    t.dispose();
    return contiguous;
  };
  return Array.isArray(pooledLast) ? [laidOut(pooledLast[0]), laidOut(pooledLast[1])] : laidOut(pooledLast);
}

function forwardPool(input: Tensor, plan: PoolPlan): Tensor | WithIndices {
  const volume = product(plan.input);
  const divisor = globalDivisor(plan);
  // Channels last (2-D or 3-D): the kernels read it; the window and adaptive ones write it too, indices laid out as
  // the values.
  const channelsLast = sameAsContiguous(input.shape, input.memoryFormat) ? null : { channels: input.shape[1]! };
  if (divisor !== null) {
    return pooled(input, plan, (x, y, _indices, half) => launchGlobalAvgPool(input.device, plan.planes, volume, divisor, x, y, half, channelsLast));
  }
  const device = input.device;
  if ('kernel' in plan) {
    const writesHalves = windowPoolWritesHalves(device, plan, channelsLast);
    return windowed(input, plan, channelsLast, writesHalves, (x, y, indices, storage) => launchWindowPool(device, plan, x, y, indices, storage));
  }
  if (plan.isGlobalMean && plan.planes > 0) {
    // PyTorch's mean over empty maps: NaN for each plane, without a kernel.
    const dtype = checkInputs(plan.op, [input], { halves: 'convert', layouts: 'any' });
    return Tensor.fromArray(device, new Float32Array(plan.planes).fill(NaN), plan.outputShape, { dtype }) as Tensor;
  }
  if (!adaptiveWindowsFitU32(plan)) {
    const spatial = (sizes: readonly number[]) => sizes.slice(3 - plan.spatialRank).join('x');
    throw new WebGPULayersError('too-large', messages.windowsTooLarge(plan.op, spatial(plan.input), spatial(plan.output)));
  }
  const writesHalves = adaptivePoolWritesHalves(device, plan, channelsLast);
  return windowed(input, plan, channelsLast, writesHalves, (x, y, indices, storage) => launchAdaptivePool(device, plan, x, y, indices, storage));
}

/**
 * A window or adaptive pool: its output (and indices) laid out as its input; a float16 kernel writes its halves where
 * `writesHalves`, else f32 that one conversion rounds.
 */
function windowed(
  input: Tensor,
  plan: PoolPlan,
  channelsLast: { channels: number } | null,
  writesHalves: boolean,
  launch: (x: GPUBufferBinding, y: GPUBufferBinding, indices: GPUBufferBinding | null, storage: PoolStorage) => Promise<void>,
): Tensor | WithIndices {
  return pooled(
    input,
    plan,
    (x, y, indices, half) => launch(x, y, indices, { half, writesHalves: half && writesHalves, channelsLast }),
    channelsLast ? 'channelsLast' : 'contiguous',
    writesHalves ? 'kernel' : 'convert',
  );
}

/** @internal A pooling plan whose result is values only. */
export const poolValues = (input: Tensor, plan: PoolPlan) => pool(input, plan) as Tensor;

// ---- average and LP pooling --------------------------------------------------------------------------------

/**
 * PyTorch's `F.avg_pool2d`. Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW).
 * @example F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, options: AvgPool2dOptions = {}): Tensor {
  return poolValues(input, planAvgPool2d(input.shape, resolveAvgPool2dArgs(kernelSize, options)));
}

/** PyTorch's `F.avg_pool1d` (no divisor_override, as in PyTorch): input (N, C, L) or (C, L). */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, options: AvgPool1dOptions = {}): Tensor {
  return poolValues(input, planAvgPool1d(input.shape, resolveAvgPoolArgs(1, kernelSize, options)));
}

/** PyTorch's `F.avg_pool3d`: input (N, C, D, H, W) or (C, D, H, W). */
export function avgPool3d(input: Tensor, kernelSize: IntOrTuple, options: AvgPool3dOptions = {}): Tensor {
  return poolValues(input, planAvgPool3d(input.shape, resolveAvgPoolArgs(3, kernelSize, options)));
}

/** PyTorch's `F.lp_pool1d`: (Σ x^p over the window)^(1/p), by PyTorch's formula (negative inputs, ceil mode included). */
export function lpPool1d(input: Tensor, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}): Tensor {
  return poolValues(input, planLPPool(input.shape, resolveLPPoolArgs(1, normType, kernelSize, options)));
}

/** PyTorch's `F.lp_pool2d`. */
export function lpPool2d(input: Tensor, normType: number, kernelSize: IntOrTuple, options: LPPoolOptions = {}): Tensor {
  return poolValues(input, planLPPool(input.shape, resolveLPPoolArgs(2, normType, kernelSize, options)));
}

// ---- max pooling -------------------------------------------------------------------------------------------

function maxPool(rank: Rank, input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions): Tensor | WithIndices {
  return pool(input, planMaxPool(input.shape, resolveMaxPoolArgs(rank, kernelSize, options)));
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

// ---- adaptive pooling --------------------------------------------------------------------------------------

/**
 * PyTorch's `F.adaptive_avg_pool2d`. Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW);
 * `null` in `outputSize` keeps that input dimension. Output 1×1 is a global mean, as in PyTorch.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  return poolValues(input, planAdaptiveAvgPool2d(input.shape, outputSize));
}

/** PyTorch's `F.adaptive_avg_pool1d`: input (N, C, L) or (C, L) → (…, outputSize). */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly [number]): Tensor {
  return poolValues(input, planAdaptiveAvgPool1d(input.shape, outputSize));
}

/** PyTorch's `F.adaptive_avg_pool3d`: input (N, C, D, H, W) or (C, D, H, W); `null` keeps a dim. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return poolValues(input, planAdaptiveAvgPool3d(input.shape, outputSize));
}

function adaptiveMaxPool(rank: Rank, input: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions): Tensor | WithIndices {
  return pool(input, planAdaptiveMaxPool(input.shape, { rank, outputSize, returnIndices: options.returnIndices ?? false }));
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

// Autotune times each kernel's strategies on the shapes it is used at: many small maps (a ResNet head) and fewer
// large ones (an early SE block); 2-D and 3-D windows.
defineTuning('global_avg_pool', [
  (device) => onInput(device, [8, 512, 7, 7], (x) => adaptiveAvgPool2d(x, 1)),
  (device) => onInput(device, [4, 128, 56, 56], (x) => adaptiveAvgPool2d(x, 1)),
]);
defineTuning('pool_window', [
  (device) => onInput(device, [4, 64, 56, 56], (x) => avgPool2d(x, 3, { stride: 2, padding: 1 })),
  (device) => onInput(device, [4, 32, 28, 28], (x) => avgPool2d(x, 3, { stride: 1, padding: 1 })),
  (device) => onInput(device, [4, 64, 56, 56], (x) => maxPool2d(x, 3, { stride: 2, padding: 1 })),
  (device) => onInput(device, [2, 16, 8, 28, 28], (x) => avgPool3d(x, 3, { stride: 2, padding: 1 })),
]);
defineTuning('pool_adaptive', [
  (device) => onInput(device, [4, 256, 14, 14], (x) => adaptiveAvgPool2d(x, 7)),
  (device) => onInput(device, [4, 64, 15, 15], (x) => adaptiveAvgPool2d(x, [5, 7])),
]);
