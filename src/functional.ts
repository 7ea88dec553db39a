// Functional ops on Tensors: check arguments and shapes (through poolingPlan, synchronously, before any GPU
// work), then choose and record the kernel. The returned Tensor is usable at once; its GPU work is queued.
import { WebGPULayersError } from './errors.js';
import { contextOf } from './gpu/context.js';
import { loopFits } from './gpu/loopLimit.js';
import { launchActivation, type ActivationName } from './kernels/activations.js';
import { adaptiveFitsU32, launchAdaptiveAvgPool2d } from './kernels/adaptiveAvgPool2d.js';
import { launchAvgPool2d } from './kernels/avgPool2d.js';
import { launchChannelScale } from './kernels/channelScale.js';
import { launchGlobalAvgPool2d } from './kernels/globalAvgPool2d.js';
import { launchLinear, pooledBlockRows, type DenseLayer, type LinearLaunch } from './kernels/linear.js';
import { launchPermute } from './kernels/permute.js';
import { MAX_FUSED_CHANNELS, MAX_FUSED_ELEMENTS, MAX_SE_HIDDEN, launchSqueezeExcitationGate } from './kernels/squeezeExcitationGate.js';
import { planLinear, type LinearPlan } from './linearPlan.js';
import { kernelStrategy } from './gpu/strategies.js';
import {
  avgPoolWindow,
  planAdaptiveAvgPool2d,
  planAvgPool2d,
  resolveAvgPool2dArgs,
  type AdaptiveAvgPool2dPlan,
  type AdaptiveOutputSize,
  type AvgPool2dArgs,
  type AvgPool2dOptions,
  type AvgPool2dPlan,
  type IntOrPair,
} from './poolingPlan.js';
import { Tensor, type DType } from './tensor.js';

/**
 * Throws a clear error unless every tensor is live, on the first one's device, and float32 (`indexTensors`:
 * int32, e.g. max unpooling's indices).
 */
export function checkInputs(op: string, tensors: readonly Tensor[], indexTensors: readonly Tensor<DType>[] = []): void {
  const device = tensors[0]!.device;
  const check = (t: Tensor<DType>, wanted: DType) => {
    void t.buffer; // throws if disposed
    if (t.dtype !== wanted) {
      throw new WebGPULayersError('invalid-argument', `${op}() takes ${wanted} tensors, but got an ${t.dtype} one`);
    }
    if (t.device !== device) throw new WebGPULayersError('wrong-device', `${op}() got tensors from different GPUDevices; move them to one device`);
  };
  for (const t of tensors) check(t, 'float32');
  for (const t of indexTensors) check(t, 'int32');
  contextOf(device).checkUsable();
}

/** @internal PyTorch's mean over empty maps: NaN for each of `planes` planes, without a kernel. */
export function meanOfEmpty(op: string, input: Tensor, planes: number, outputShape: readonly number[]): Tensor {
  checkInputs(op, [input]);
  return Tensor.fromArray(input.device, new Float32Array(planes).fill(NaN), outputShape);
}

/** An output of `produceAll`: its shape and element type. */
export interface OutputSpec {
  shape: readonly number[];
  dtype?: DType;
}

/**
 * Checks the inputs (live, one device), allocates the outputs and records `write` into them, or returns them at
 * once when the first has no elements. `write` gets the first input's buffer and the outputs'. `exactOutput`: the
 * first output's buffer is exactly its bytes (for TF.js).
 */
export function produceAll(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly OutputSpec[],
  write: (input: GPUBufferBinding, outputs: GPUBufferBinding[]) => Promise<void>,
  { exactOutput = false, indexInputs = [] as readonly Tensor<DType>[] } = {},
): Tensor<DType>[] {
  checkInputs(op, inputs, indexInputs);
  const input = inputs[0]!;
  const made: Tensor<DType>[] = [];
  try {
    outputs.forEach(({ shape, dtype = 'float32' }, i) => made.push(Tensor.empty(input.device, shape, i === 0 && exactOutput, dtype)));
    if (made[0]!.size > 0) {
      const work = write(input.binding, made.map((t, i) => (i === 0 && exactOutput ? { buffer: t.buffer } : t.binding)));
      for (const t of made) t.setWrittenBy(work);
    }
  } catch (error) {
    for (const t of made) t.dispose(); // a kernel that cannot run (too large for the device) leaves nothing behind
    throw error;
  }
  // A caller's buffer (Tensor.fromGPUBuffer) must pass its device check before this work is submitted.
  for (const t of [...inputs, ...indexInputs]) {
    const check = t.externalCheck;
    if (check && made[0]!.size > 0) contextOf(t.device).batch.requireBeforeSubmit(check);
  }
  return made;
}

/** `produceAll` with one float32 output. */
export function produce(
  op: string,
  inputs: readonly Tensor[],
  outputShape: readonly number[],
  write: (input: GPUBufferBinding, output: GPUBufferBinding) => Promise<void>,
  exactOutput = false,
): Tensor {
  return produceAll(op, inputs, [{ shape: outputShape }], (input, [output]) => write(input, output!), { exactOutput })[0] as Tensor;
}

/** Runs `op` on `x` padded to 16 bytes (kernels that read vec4s), releasing a padded copy once it is recorded. */
function withPadded(x: Tensor, op: (padded: Tensor) => Tensor): Tensor {
  const padded = x.padded();
  try {
    return op(padded);
  } finally {
    if (padded !== x) padded.dispose();
  }
}

/**
 * The divisor when the single output window covers the whole map (e.g. AvgPool2d(7) on 7×7, the fixed
 * ResNet head), so the reduction kernel can run it; null otherwise.
 */
export function wholeMapDivisor(plan: AvgPool2dPlan): number | null {
  if (plan.outH !== 1 || plan.outW !== 1) return null;
  const rows = avgPoolWindow(0, plan.strideH, plan.padH, plan.kernelH, plan.inH);
  const cols = avgPoolWindow(0, plan.strideW, plan.padW, plan.kernelW, plan.inW);
  if (rows.start !== 0 || rows.end !== plan.inH || cols.start !== 0 || cols.end !== plan.inW) return null;
  return plan.divisorOverride ?? (plan.countIncludePad ? rows.paddedCount * cols.paddedCount : plan.inH * plan.inW);
}

/** avg_pool2d with arguments already normalised (nn.AvgPool2d resolves them once, at construction). */
export function avgPool2dWithArgs(input: Tensor, args: AvgPool2dArgs): Tensor {
  return avgPool2dWithPlan(input, planAvgPool2d(input.shape, args));
}

/** @internal avg_pool2d on a plan made for this input's shape. */
export function avgPool2dWithPlan(input: Tensor, plan: AvgPool2dPlan): Tensor {
  const divisor = wholeMapDivisor(plan);
  return produce('avg_pool2d', [input], plan.outputShape, (x, y) =>
    divisor === null
      ? launchAvgPool2d(input.device, plan, x, y)
      : launchGlobalAvgPool2d(input.device, plan.planes, plan.inH * plan.inW, divisor, x, y),
  );
}

/**
 * PyTorch's `F.avg_pool2d`. Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW).
 * @example F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, options: AvgPool2dOptions = {}): Tensor {
  return avgPool2dWithArgs(input, resolveAvgPool2dArgs(kernelSize, options));
}

/**
 * PyTorch's `F.adaptive_avg_pool2d`. Shapes: input (N, C, H, W) or (C, H, W) → output (N, C, oH, oW) or (C, oH, oW);
 * `null` in `outputSize` keeps that input dimension. Output 1×1 is a global mean, as in PyTorch.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  return adaptiveAvgPool2dWithPlan(input, planAdaptiveAvgPool2d(input.shape, outputSize));
}

/** @internal adaptive_avg_pool2d on a plan made for this input's shape. */
export function adaptiveAvgPool2dWithPlan(input: Tensor, plan: AdaptiveAvgPool2dPlan): Tensor {
  const planeSize = plan.inH * plan.inW;
  if (plan.isGlobalMean && planeSize === 0 && plan.planes > 0) {
    return meanOfEmpty('adaptive_avg_pool2d', input, plan.planes, plan.outputShape);
  }
  if (!plan.isGlobalMean && !adaptiveFitsU32(plan)) {
    throw new WebGPULayersError('too-large', `adaptive_avg_pool2d from ${plan.inH}x${plan.inW} to ${plan.outH}x${plan.outW} is too large for the kernel's 32-bit window arithmetic`);
  }
  return produce('adaptive_avg_pool2d', [input], plan.outputShape, (x, y) =>
    plan.isGlobalMean
      ? launchGlobalAvgPool2d(input.device, plan.planes, planeSize, planeSize, x, y)
      : launchAdaptiveAvgPool2d(input.device, plan, x, y),
  );
}

/**
 * PyTorch's `F.linear` with an optional fused activation: activation(x · weightᵀ + bias).
 * Shapes: x (*, in), weight (out, in), bias (out) → (*, out).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, activation: ActivationName = 'identity'): Tensor {
  return linearInLayout(x, { weight, bias, activation }, false);
}

/** PyTorch's [out, in] weight shape of a dense layer stored [in, out] on the device (transposed) or not. */
const pytorchWeightShape = (weight: Tensor, transposed: boolean) => (transposed ? [weight.shape[1]!, weight.shape[0]!] : weight.shape);

/**
 * Linear with the weight in PyTorch's layout, or transposed ([in, out]) as nn.Linear keeps it on the device; with
 * `pool`, x is (N, in, H, W) maps the kernel pools first (globalPoolLinear).
 */
function linearInLayout(x: Tensor, layer: DenseLayer<Tensor>, transposed: boolean, pool: LinearLaunch['pool'] = null): Tensor {
  const { weight, bias, activation } = layer;
  const plan = planLinear(pool ? x.shape.slice(0, 2) : x.shape, pytorchWeightShape(weight, transposed));
  checkInputs('linear', bias ? [x, weight, bias] : [x, weight]);
  // x and the weight are read as vec4s: a caller's unpadded buffer is copied into a padded one first.
  return withPadded(x, (padded) =>
    produce('linear', bias ? [padded, weight, bias] : [padded, weight], plan.outputShape, (input, output) =>
      launchLinear(x.device, { ...plan, x: input, weight: weight.binding, bias: bias?.binding ?? null, activation, weightTransposed: transposed, pool }, output),
    ),
  );
}

/** @internal nn.Linear's forward: its device weight is stored [in, out]. */
export function denseLayer(x: Tensor, layer: DenseLayer<Tensor>): Tensor {
  return linearInLayout(x, layer, true);
}

/**
 * @internal A ResNet head's global pool and its fc as one dispatch, with no pooled intermediate: x (N, C, H, W)
 * → (N, out), each map's sum ÷ `divisor` fed to the dense layer (weight stored [in, out], in = C). Null when
 * the device's global_pool_linear strategy is "split" or the shapes do not allow it (`pooledBlockRows`: small
 * maps, the rows in one workgroup's block); the caller then pools first.
 * Callers have checked the shapes (PyTorch's errors).
 */
export function globalPoolLinear(x: Tensor, divisor: number, layer: DenseLayer<Tensor>): Tensor | null {
  const [rows, channels, h, w] = x.shape as [number, number, number, number];
  const planeSize = h * w;
  if (kernelStrategy(x.device, 'global_pool_linear') !== 'fused' || planeSize === 0 || pooledBlockRows(x.device, rows, channels, planeSize) === null) return null;
  return linearInLayout(x, layer, true, { planeSize, divisor });
}

/** An elementwise activation (`relu`, `relu6`, `sigmoid`, `hardsigmoid`, `hardswish`) of any shape. */
export function activation(x: Tensor, name: ActivationName): Tensor {
  return produce('activation', [x], x.shape, (input, output) => launchActivation(x.device, name, x.size, input, output));
}

/** @internal The SE block's last step: x (N, C, H, W) · gate (N, C) broadcast over H×W. */
export function channelScale(x: Tensor, gate: Tensor): Tensor {
  const planeSize = gate.size === 0 ? 0 : x.size / gate.size;
  checkInputs('channel_scale', [x, gate]);
  // x is read as vec4s: a caller's unpadded buffer is copied into a padded one first.
  return withPadded(x, (padded) =>
    produce('channel_scale', [padded, gate], x.shape, (input, output) => launchChannelScale(x.device, gate.size, planeSize, input, gate.binding, output)),
  );
}

/** What the SE blocks' excitation needs of their pool: its forward, and whether it is a global pool. */
export interface ExcitationPool {
  forward(x: Tensor): Tensor;
  /** The divisor when the pool reduces each whole map of `shape` to one value, else null. */
  globalDivisor(shape: readonly number[]): number | null;
}

/**
 * @internal The SE block's excitation: pool x (N, C, H, W), flatten to (N, features), then the dense layers.
 * Two layers whose hidden layer fits in workgroup memory run as one dispatch; with the device's "fused"
 * strategy and a small global pool, that dispatch pools too, so the whole excitation is one dispatch. Anything
 * else runs the layers one Linear dispatch each. Callers have checked the shapes (PyTorch's errors).
 */
export function excitationGate(x: Tensor, pool: ExcitationPool, features: number, layers: DenseLayer<Tensor>[]): Tensor {
  const device = x.device;
  const [samples, channels, h, w] = x.shape as [number, number, number, number];
  const plans = [];
  let shape: readonly number[] = [samples, features];
  for (const layer of layers) {
    const plan = planLinear(shape, pytorchWeightShape(layer.weight, true));
    plans.push(plan);
    shape = plan.outputShape;
  }
  const [hiddenPlan, outputPlan] = plans as [LinearPlan, LinearPlan];
  // The fused MLP's inner loops run channels × ⌈hidden / 64⌉ and hidden × ⌈out / 64⌉ times per invocation.
  const mlpFuses = layers.length === 2 && hiddenPlan.outFeatures <= MAX_SE_HIDDEN &&
    loopFits(device, Math.max(hiddenPlan.inFeatures * Math.ceil(hiddenPlan.outFeatures / 64), hiddenPlan.outFeatures * Math.ceil(outputPlan.outFeatures / 64)));
  const planeSize = h * w;
  const divisor = mlpFuses && kernelStrategy(device, 'squeeze_excitation') === 'fused' ? pool.globalDivisor(x.shape) : null;
  const poolFuses = divisor !== null && features === channels && channels <= MAX_FUSED_CHANNELS &&
    channels * planeSize <= MAX_FUSED_ELEMENTS && loopFits(device, Math.ceil(channels / 64) * planeSize);
  const pooled = poolFuses ? null : pool.forward(x);
  const input = poolFuses ? x : pooled!.reshape([samples, features]);
  pooled?.dispose();
  try {
    if (!mlpFuses) {
      return layers.reduce((current, layer) => {
        const next = denseLayer(current, layer);
        if (current !== input) current.dispose();
        return next;
      }, input);
    }
    const [first, second] = layers as [DenseLayer<Tensor>, DenseLayer<Tensor>];
    const tensors = [input, first.weight, second.weight, ...[first.bias, second.bias].filter((b): b is Tensor => b !== null)];
    const bindings = (layer: DenseLayer<Tensor>) => ({ weight: layer.weight.binding, bias: layer.bias?.binding ?? null, activation: layer.activation });
    return produce('squeeze_excitation_gate', tensors, outputPlan.outputShape, (inputBinding, output) =>
      launchSqueezeExcitationGate(
        device,
        {
          samples,
          channels: hiddenPlan.inFeatures,
          hidden: hiddenPlan.outFeatures,
          outChannels: outputPlan.outFeatures,
          input: inputBinding,
          pool: poolFuses ? { planeSize, divisor: divisor! } : null,
          first: bindings(first),
          second: bindings(second),
        },
        output,
      ),
    );
  } finally {
    if (input !== x) input.dispose();
  }
}

/**
 * @internal x.permute(dims) of a 4-D tensor, as a new tensor (one copy kernel): NCHW ↔ NHWC for TF.js. `exact`:
 * in a buffer of exactly its bytes.
 */
export function permute4d(x: Tensor, dims: readonly [number, number, number, number], exact = false): Tensor {
  return produce('permute', [x], dims.map((d) => x.shape[d]!), (input, output) => launchPermute(x.device, x.shape, dims, input, output), exact);
}
