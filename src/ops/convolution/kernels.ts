// Conv2d's kernels, forward and backward side by side (shaders/convolution/): the register-tiled forward, the input gradient
// as a gather over the (padded) input and its fold for the non-zero padding modes, the weight and bias gradients.
// One invocation per output element; tensors are bound whole; the padding mode is an override constant.
import biasGradSource from '../../../shaders/convolution/conv2d_bias_grad.wgsl?raw';
import inputGradSource from '../../../shaders/convolution/conv2d_input_grad.wgsl?raw';
import weightGradSource from '../../../shaders/convolution/conv2d_weight_grad.wgsl?raw';
import tiledSource from '../../../shaders/convolution/conv2d_tiled.wgsl?raw';
import padFoldSource from '../../../shaders/convolution/pad_fold.wgsl?raw';
import padding from '../../../shaders/convolution/padding.wgsl?raw';
import { contextOf } from '../../runtime/context.js';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { type Conv2dPlan, PADDING_MODES } from './plan.js';

const WORKGROUP_SIZE = 64;
const geometry = {
  batch: 'u32',
  inChannels: 'u32',
  outChannels: 'u32',
  groups: 'u32',
  inH: 'u32',
  inW: 'u32',
  kH: 'u32',
  kW: 'u32',
  strideH: 'u32',
  strideW: 'u32',
  dilationH: 'u32',
  dilationW: 'u32',
  padTop: 'u32',
  padLeft: 'u32',
  outH: 'u32',
  outW: 'u32',
  total: 'u32',
} as const;
type Geometry = typeof geometry;

const tiledSpec: KernelSpec<Geometry> = {
  name: 'conv2d_tiled',
  source: tiledSource,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'weight', access: 'read' },
    { name: 'bias', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: geometry,
  libraries: [padding],
};
const tiled = { f32: defineKernel(tiledSpec), f16: defineKernel(withHalves(tiledSpec, { reads: ['input', 'weight', 'bias'] })) };

const inputGrad = defineKernel({
  name: 'conv2d_input_grad',
  source: inputGradSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'weight', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { ...geometry, gridH: 'u32', gridW: 'u32', gridTop: 'u32', gridLeft: 'u32' },
});

const padFold = defineKernel({
  name: 'pad_fold',
  source: padFoldSource,
  bindings: [
    { name: 'padded', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { inH: 'u32', inW: 'u32', padTop: 'u32', padBottom: 'u32', padLeft: 'u32', padRight: 'u32', total: 'u32' },
  libraries: [padding],
});

const weightGrad = defineKernel({
  name: 'conv2d_weight_grad',
  source: weightGradSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'input', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: geometry,
  libraries: [padding],
});

const biasGrad = defineKernel({
  name: 'conv2d_bias_grad',
  source: biasGradSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { batch: 'u32', outChannels: 'u32', outH: 'u32', outW: 'u32' },
});

function paramsOf(plan: Conv2dPlan, total: number) {
  const { batch, inChannels, outChannels, groups, inH, inW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = plan;
  return { batch, inChannels, outChannels, groups, inH, inW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW, total };
}

const constants = (plan: Conv2dPlan) => ({ WORKGROUP_SIZE, PADDING_MODE: PADDING_MODES[plan.mode] });
const workgroups = (total: number) => Math.ceil(total / WORKGROUP_SIZE);

/**
 * Records y = conv2d(x, weight) + bias into `output` (N, outC, oH, oW), register-tiled: 4 columns × 4 channels an
 * invocation where a group's outputs come in fours, else 4 columns × 1 channel.
 */
export function launchConv2d(
  device: GPUDevice,
  plan: Conv2dPlan,
  input: GPUBufferBinding,
  weight: GPUBufferBinding,
  bias: GPUBufferBinding | null,
  output: GPUBufferBinding,
  half: boolean,
) {
  const channelTile = (plan.outChannels / plan.groups) % 4 === 0 ? 4 : 1;
  const tiles = plan.batch * (plan.outChannels / channelTile) * plan.outH * Math.ceil(plan.outW / 4);
  return launch(device, half ? tiled.f16 : tiled.f32, {
    constants: { ...constants(plan), HAS_BIAS: bias ? 1 : 0, TILE_CHANNELS: channelTile },
    bindings: [input, weight, bias ?? { buffer: contextOf(device).placeholder() }, output],
    params: paramsOf(plan, tiles),
    workgroups: workgroups(tiles),
  });
}

/** The size of the padded input (the input gradient's grid before folding, for the non-zero modes). */
export const paddedShape = (plan: Conv2dPlan) => [
  plan.batch,
  plan.inChannels,
  plan.inH + plan.padTop + plan.padBottom,
  plan.inW + plan.padLeft + plan.padRight,
];

/**
 * Records the input gradient's gather: over the input itself (`padded` false: zeros padding) or over the whole padded
 * input (`padded` true: before pad_fold).
 */
export function launchConv2dInputGrad(
  device: GPUDevice,
  plan: Conv2dPlan,
  grad: GPUBufferBinding,
  weight: GPUBufferBinding,
  output: GPUBufferBinding,
  padded: boolean,
) {
  const [, , gridH, gridW] = padded ? paddedShape(plan) : [0, 0, plan.inH, plan.inW];
  const total = plan.batch * plan.inChannels * gridH! * gridW!;
  return launch(device, inputGrad, {
    constants: { WORKGROUP_SIZE }, // a gather over padded coordinates: the padding mode is the fold's
    bindings: [grad, weight, output],
    params: { ...paramsOf(plan, total), gridH: gridH!, gridW: gridW!, gridTop: padded ? 0 : plan.padTop, gridLeft: padded ? 0 : plan.padLeft },
    workgroups: workgroups(total),
  });
}

/** Records the fold of a padded-input gradient onto the input (the padding modes' backward). */
export function launchPadFold(device: GPUDevice, plan: Conv2dPlan, padded: GPUBufferBinding, output: GPUBufferBinding) {
  const total = plan.batch * plan.inChannels * plan.inH * plan.inW;
  const { inH, inW, padTop, padBottom, padLeft, padRight } = plan;
  return launch(device, padFold, {
    constants: constants(plan),
    bindings: [padded, output],
    params: { inH, inW, padTop, padBottom, padLeft, padRight, total },
    workgroups: workgroups(total),
  });
}

/** Records the weight gradient (outC, C/groups, kH, kW). */
export function launchConv2dWeightGrad(device: GPUDevice, plan: Conv2dPlan, grad: GPUBufferBinding, input: GPUBufferBinding, output: GPUBufferBinding) {
  const total = plan.outChannels * (plan.inChannels / plan.groups) * plan.kH * plan.kW;
  return launch(device, weightGrad, {
    constants: constants(plan),
    bindings: [grad, input, output],
    params: paramsOf(plan, total),
    workgroups: workgroups(total),
  });
}

/** Records the bias gradient [outC]. */
export function launchConv2dBiasGrad(device: GPUDevice, plan: Conv2dPlan, grad: GPUBufferBinding, output: GPUBufferBinding) {
  const { batch, outChannels, outH, outW } = plan;
  return launch(device, biasGrad, {
    constants: { WORKGROUP_SIZE },
    bindings: [grad, output],
    params: { batch, outChannels, outH, outW },
    workgroups: workgroups(outChannels),
  });
}
