// Batch norm's kernels, forward and backward side by side (shaders/normalization/): per-channel statistics, the
// running statistics' update, the normalisation, and the backward's per-channel sums and input gradient. The
// per-channel kernels run an invocation per channel (deterministic, loops no longer than one dimension); every
// tensor is bound whole.
import applySource from '../../../shaders/normalization/batch_norm_apply.wgsl?raw';
import backwardApplySource from '../../../shaders/normalization/batch_norm_backward_apply.wgsl?raw';
import backwardReduceSource from '../../../shaders/normalization/batch_norm_backward_reduce.wgsl?raw';
import statsSource from '../../../shaders/normalization/batch_norm_stats.wgsl?raw';
import updateSource from '../../../shaders/normalization/batch_norm_update.wgsl?raw';
import { contextOf } from '../../runtime/context.js';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import type { BatchNormPlan } from './plan.js';

const WORKGROUP_SIZE = 64;
const geometry = { batch: 'u32', channels: 'u32', rows: 'u32', width: 'u32' } as const;

const statsSpec: KernelSpec<typeof geometry> = {
  name: 'batch_norm_stats',
  source: statsSource,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'stats', access: 'read_write' },
  ],
  params: geometry,
};
const stats = { f32: defineKernel(statsSpec), f16: defineKernel(withHalves(statsSpec, { reads: ['input'] })) };

const applySpec: KernelSpec<{ total: 'u32'; channels: 'u32'; positions: 'u32'; eps: 'f32' }> = {
  name: 'batch_norm_apply',
  source: applySource,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'stats', access: 'read' },
    { name: 'weight', access: 'read' },
    { name: 'bias', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { total: 'u32', channels: 'u32', positions: 'u32', eps: 'f32' },
};
const apply = { f32: defineKernel(applySpec), f16: defineKernel(withHalves(applySpec, { reads: ['input'] })) };

const update = defineKernel({
  name: 'batch_norm_update',
  source: updateSource,
  bindings: [
    { name: 'stats', access: 'read' },
    { name: 'runningMean', access: 'read_write' },
    { name: 'runningVar', access: 'read_write' },
  ],
  params: { channels: 'u32', momentum: 'f32', unbiasFactor: 'f32' },
});

const backwardReduce = defineKernel({
  name: 'batch_norm_backward_reduce',
  source: backwardReduceSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'input', access: 'read' },
    { name: 'stats', access: 'read' },
    { name: 'sums', access: 'read_write' },
  ],
  params: { ...geometry, eps: 'f32' },
});

const backwardApply = defineKernel({
  name: 'batch_norm_backward_apply',
  source: backwardApplySource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'input', access: 'read' },
    { name: 'stats', access: 'read' },
    { name: 'sums', access: 'read' },
    { name: 'weight', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { total: 'u32', channels: 'u32', positions: 'u32', eps: 'f32', count: 'f32' },
});

const perChannel = (plan: BatchNormPlan) => Math.ceil(plan.channels / WORKGROUP_SIZE);
const perElement = (plan: BatchNormPlan) => Math.ceil(plan.total / WORKGROUP_SIZE);
const orPlaceholder = (device: GPUDevice, binding: GPUBufferBinding | null) => binding ?? { buffer: contextOf(device).placeholder() };

/** Records the batch's means and biased variances of `input` into `output` ([2C]). */
export function launchBatchNormStats(
  device: GPUDevice,
  plan: BatchNormPlan,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  half: boolean,
  channelsLast: boolean,
) {
  return launch(device, half ? stats.f16 : stats.f32, {
    constants: { WORKGROUP_SIZE, CHANNELS_LAST: channelsLast ? 1 : 0 },
    bindings: [input, output],
    params: { batch: plan.batch, channels: plan.channels, rows: plan.rows, width: plan.width },
    workgroups: perChannel(plan),
  });
}

/** Records the running statistics' update, in place, from the batch's statistics. */
export function launchBatchNormUpdate(
  device: GPUDevice,
  plan: BatchNormPlan,
  statsBinding: GPUBufferBinding,
  mean: GPUBufferBinding,
  variance: GPUBufferBinding,
  momentum: number,
) {
  return launch(device, update, {
    constants: { WORKGROUP_SIZE },
    bindings: [statsBinding, mean, variance],
    params: { channels: plan.channels, momentum, unbiasFactor: plan.count / (plan.count - 1) },
    workgroups: perChannel(plan),
  });
}

export interface ApplyBindings {
  input: GPUBufferBinding;
  stats: GPUBufferBinding;
  weight: GPUBufferBinding | null;
  bias: GPUBufferBinding | null;
  output: GPUBufferBinding;
}

/** Records the normalisation with `stats` ([2C]), the affine step where a weight is bound. */
export function launchBatchNormApply(device: GPUDevice, plan: BatchNormPlan, b: ApplyBindings, eps: number, half: boolean, channelsLast: boolean) {
  return launch(device, half ? apply.f16 : apply.f32, {
    constants: { WORKGROUP_SIZE, CHANNELS_LAST: channelsLast ? 1 : 0, AFFINE: b.weight ? 1 : 0 },
    bindings: [b.input, b.stats, orPlaceholder(device, b.weight), orPlaceholder(device, b.bias), b.output],
    params: { total: plan.total, channels: plan.channels, positions: plan.positions, eps },
    workgroups: perElement(plan),
  });
}

/** Records Σ g and Σ g·x̂ per channel into `sums` ([2C]); grad and input contiguous. */
export function launchBatchNormBackwardReduce(
  device: GPUDevice,
  plan: BatchNormPlan,
  grad: GPUBufferBinding,
  input: GPUBufferBinding,
  statsBinding: GPUBufferBinding,
  sums: GPUBufferBinding,
  eps: number,
) {
  return launch(device, backwardReduce, {
    constants: { WORKGROUP_SIZE },
    bindings: [grad, input, statsBinding, sums],
    params: { batch: plan.batch, channels: plan.channels, rows: plan.rows, width: plan.width, eps },
    workgroups: perChannel(plan),
  });
}

export interface BackwardApplyBindings {
  grad: GPUBufferBinding;
  input: GPUBufferBinding;
  stats: GPUBufferBinding;
  sums: GPUBufferBinding;
  weight: GPUBufferBinding | null;
  output: GPUBufferBinding;
}

/** Records the input gradient (training: through the batch statistics; else through the fixed running ones). */
export function launchBatchNormBackwardApply(device: GPUDevice, plan: BatchNormPlan, b: BackwardApplyBindings, eps: number, training: boolean) {
  return launch(device, backwardApply, {
    constants: { WORKGROUP_SIZE, TRAINING: training ? 1 : 0, AFFINE: b.weight ? 1 : 0 },
    bindings: [b.grad, b.input, b.stats, b.sums, orPlaceholder(device, b.weight), b.output],
    params: { total: plan.total, channels: plan.channels, positions: plan.positions, eps, count: plan.count },
    workgroups: perElement(plan),
  });
}
