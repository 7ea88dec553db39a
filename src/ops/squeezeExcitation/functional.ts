// The SE blocks' two GPU steps: the excitation (pool → MLP, as few dispatches as the device and shapes allow)
// and the channel scale x · gate.
import backwardSource from '../../../shaders/squeezeExcitation/channel_scale_backward.wgsl?raw';
import { record, refuseGrad } from '../../autograd/graph.js';
import { sameAsContiguous } from '../../core/memoryFormat.js';
import type { Tensor } from '../../core/tensor.js';
import { defineKernel } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { loopFits } from '../../runtime/loopLimit.js';
import { defineTuning, kernelStrategy } from '../../runtime/strategies.js';
import type { DenseLayer } from '../linear/kernel.js';
import { denseLayer, pytorchWeightShape } from '../linear/functional.js';
import { linearMessages } from '../linear/messages.js';
import { planLinear, type LinearPlan } from '../linear/plan.js';
import { avgPool2d } from '../pooling/functional.js';
import { checkInputs, produce, withPadded, written } from '../produce.js';
import { onTensors } from '../tuning.js';
import { launchChannelScale } from './channelScale.js';
import { MAX_FUSED_CHANNELS, MAX_FUSED_ELEMENTS, MAX_SE_HIDDEN, launchSqueezeExcitationGate } from './gate.js';

const gateGradient = defineKernel({
  name: 'channel_scale_backward',
  source: backwardSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'x', access: 'read' },
    { name: 'gradGate', access: 'read_write' },
  ],
  params: { planes: 'u32', planeSize: 'u32' },
});

/**
 * @internal The SE block's last step: x (N, C, H, W) · gate (N, C) broadcast over H×W. Its backward: dx = g · gate
 * (this op again), dgate = Σ over each map of g · x.
 */
export function channelScale(x: Tensor, gate: Tensor): Tensor {
  const planeSize = gate.size === 0 ? 0 : x.size / gate.size;
  checkInputs('channel_scale', [x, gate], { halves: 'kernel', layouts: 'elementwise' });
  const channelsLast = sameAsContiguous(x.shape, x.memoryFormat) ? null : { channels: x.shape[1]! };
  // x is read as vec4s: a caller's unpadded buffer is copied into a padded one first.
  const y = withPadded(x, (padded) =>
    produce(
      'channel_scale',
      [padded, gate],
      x.shape,
      (input, output, dtype) => launchChannelScale(x.device, gate.size, planeSize, input, gate.binding, output, dtype === 'float16', channelsLast),
      { halves: 'kernel', layouts: 'elementwise' },
    ),
  );
  return record('MulBackward0', [x, gate], y, [x, gate], (grad, needs, [sx, sg]) => {
    const dx = needs[0] ? channelScale(grad, sg!) : null;
    const dgate = needs[1]
      ? written(x.device, sg!.shape, (out) =>
          launch(x.device, gateGradient, {
            constants: { WORKGROUP_SIZE: 64 },
            bindings: [grad.binding, sx!.binding, out],
            params: { planes: sg!.size, planeSize },
            workgroups: Math.ceil(sg!.size / 64),
          }),
        )
      : null;
    return [dx, dgate];
  });
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
  refuseGrad('the SE excitation', [x, ...layers.flatMap((l) => [l.weight, l.bias])]);
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
  const mlpFuses =
    layers.length === 2 &&
    hiddenPlan.outFeatures <= MAX_SE_HIDDEN &&
    loopFits(device, Math.max(hiddenPlan.inFeatures * Math.ceil(hiddenPlan.outFeatures / 64), hiddenPlan.outFeatures * Math.ceil(outputPlan.outFeatures / 64)));
  const planeSize = h * w;
  const divisor = mlpFuses && kernelStrategy(device, 'squeeze_excitation') === 'fused' ? pool.globalDivisor(x.shape) : null;
  const poolFuses =
    divisor !== null &&
    sameAsContiguous(x.shape, x.memoryFormat) && // the fused pool reads the contiguous layout
    features === channels &&
    channels <= MAX_FUSED_CHANNELS &&
    channels * planeSize <= MAX_FUSED_ELEMENTS &&
    loopFits(device, Math.ceil(channels / 64) * planeSize);
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
    const dtypes = { halves: 'convert', mismatch: linearMessages.dtypeMismatch } as const;
    return produce(
      'squeeze_excitation_gate',
      tensors,
      outputPlan.outputShape,
      (inputBinding, output, dtype) =>
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
            half: dtype === 'float16',
          },
          output,
        ),
      dtypes,
    );
  } finally {
    if (input !== x) input.dispose();
  }
}

// Autotune's workloads: SE blocks' gates over 7×7 maps and their channel scales, at ResNet head and early SE shapes.
defineTuning('channel_scale', [
  (device) =>
    onTensors(
      device,
      [
        [8, 512, 7, 7],
        [8, 512],
      ],
      (x, gate) => channelScale(x!, gate!),
    ),
  (device) =>
    onTensors(
      device,
      [
        [4, 128, 56, 56],
        [4, 128],
      ],
      (x, gate) => channelScale(x!, gate!),
    ),
]);
/** MobileNetV3's SqueezeAndExcite(c, c, 7) excitation: AvgPool2d(7, stride 1) → Linear + ReLU6 → Linear + Hardswish. */
const excitation = (shape: [number, number, number, number]) => (device: GPUDevice) => {
  const [, c, h, w] = shape;
  const hidden = c / 4;
  const pool: ExcitationPool = { forward: (x) => avgPool2d(x, [h, w], { stride: 1 }), globalDivisor: () => h * w };
  return onTensors(device, [shape, [c, hidden], [hidden], [hidden, c], [c]], (x, w1, b1, w2, b2) =>
    excitationGate(x!, pool, c, [
      { weight: w1!, bias: b1!, activation: 'relu6' },
      { weight: w2!, bias: b2!, activation: 'hardswish' },
    ]),
  );
};
defineTuning('squeeze_excitation', [excitation([1, 96, 7, 7]), excitation([4, 960, 7, 7])]);
