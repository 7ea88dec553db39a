// The losses as functional ops (PyTorch's F.cross_entropy and F.mse_loss) on the GPU, recorded for backward. The
// target stays on the GPU: an out-of-range class index is found by the kernel, and the loss's read rejects with
// PyTorch's IndexError (as max unpooling's invalid index does).
import ceSource from '../../../shaders/loss/cross_entropy.wgsl?raw';
import ceBackwardSource from '../../../shaders/loss/cross_entropy_backward.wgsl?raw';
import reduceSource from '../../../shaders/loss/loss_reduce.wgsl?raw';
import mseSource from '../../../shaders/loss/mse_loss.wgsl?raw';
import { record, refuseGrad } from '../../autograd/graph.js';
import { TorchError } from '../../core/errors.js';
import { Tensor, type DType } from '../../core/tensor.js';
import { contextOf } from '../../runtime/context.js';
import { defineKernel, type BindingSpec } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { checkInputs, requireTensor, written } from '../produce.js';
import { lossMessages as messages } from './messages.js';
import { type CrossEntropyOptions, type CrossEntropyPlan, type MSELossOptions, planCrossEntropy, planMSELoss } from './plan.js';

const WORKGROUP_SIZE = 64;
const read = (name: string, element?: BindingSpec['element']): BindingSpec => ({ name, access: 'read', ...(element && { element }) });
const write = (name: string, element?: BindingSpec['element']): BindingSpec => ({ name, access: 'read_write', ...(element && { element }) });
const ceParams = { positions: 'u32', classes: 'u32', spatial: 'u32', ignoreIndex: 'i32', smoothing: 'f32' } as const;
const ceKernel = defineKernel({
  name: 'cross_entropy',
  source: ceSource,
  bindings: [read('x'), read('targets', 'u32'), read('classWeights'), write('terms'), write('weights'), write('status', 'i32')],
  params: ceParams,
});
const ceBackwardKernel = defineKernel({
  name: 'cross_entropy_backward',
  source: ceBackwardSource,
  bindings: [read('x'), read('targets', 'u32'), read('classWeights'), read('grad'), read('denominator'), write('gradInput')],
  params: ceParams,
});
const reduceKernel = defineKernel({
  name: 'loss_reduce',
  source: reduceSource,
  bindings: [read('terms'), read('weights'), write('loss'), write('denominator')],
  params: { total: 'u32' },
});
const mseKernel = defineKernel({
  name: 'mse_loss',
  source: mseSource,
  bindings: [read('x'), read('targets'), read('grad'), write('output')],
  params: { total: 'u32', norm: 'f32' },
});

const groups = (n: number) => Math.ceil(n / WORKGROUP_SIZE);

/** Σ terms (÷ Σ weights under mean) into a [] loss, and the denominator [1] the backward divides by. */
function reduce(terms: Tensor, weights: Tensor | null, mean: boolean): [Tensor, Tensor] {
  const device = terms.device;
  const loss = Tensor.empty(device, []);
  const denominator = Tensor.empty(device, [1]);
  const work = launch(device, reduceKernel, {
    constants: { MEAN: mean ? 1 : 0, HAS_WEIGHTS: weights ? 1 : 0 },
    bindings: [terms.binding, (weights ?? terms).binding, loss.binding, denominator.binding],
    params: { total: terms.size },
    workgroups: 1,
  });
  loss.setWrittenBy(work);
  denominator.setWrittenBy(work);
  return [loss, denominator];
}

function ceConstants(plan: CrossEntropyPlan, weight: Tensor | null) {
  return { WORKGROUP_SIZE, PROBABILITIES: plan.probabilities ? 1 : 0, HAS_WEIGHT: weight ? 1 : 0 };
}

function ceParamsOf(plan: CrossEntropyPlan) {
  return { positions: plan.positions, classes: plan.classes, spatial: plan.spatial, ignoreIndex: plan.ignoreIndex, smoothing: plan.smoothing };
}

/** PyTorch's grad_fn name for the loss: its last op (the smoothing's add, the probabilities' mean, or nll_loss). */
function crossEntropyGradFn(plan: CrossEntropyPlan, rank: number): string {
  if (plan.probabilities) return { mean: 'DivBackward1', sum: 'SumBackward0', none: 'NegBackward0' }[plan.reduction];
  if (plan.smoothing > 0) return 'AddBackward0';
  return rank === 4 ? 'NllLoss2DBackward0' : 'NllLossBackward0';
}

/**
 * PyTorch's `F.cross_entropy`: input (N, C) or (N, C, d…) logits; target int32 class indices (N) / (N, d…), or
 * float32 probabilities shaped like the input. Options: class `weight` (C), `ignoreIndex`, `reduction`,
 * `labelSmoothing`. Returns the loss: [] reduced, (N, d…) under 'none'.
 * @example const loss = F.crossEntropy(logits, labels); loss.backward(); await loss.item();
 */
export function crossEntropy(input: Tensor, target: Tensor<DType>, options: CrossEntropyOptions = {}): Tensor {
  requireTensor('cross_entropy', 'input', input);
  requireTensor('cross_entropy', 'target', target);
  if (options.weight != null) requireTensor('cross_entropy', 'weight', options.weight);
  const weight = options.weight ?? null;
  checkInputs('cross_entropy', weight ? [input, weight] : [input], { indexTensors: target.dtype === 'int32' ? [target] : [] });
  if (target.dtype === 'float32') checkInputs('cross_entropy', [input, target as Tensor]);
  const plan = planCrossEntropy(input.shape, target, options);
  const device = input.device;
  const placeholder = { buffer: contextOf(device).placeholder() };
  const terms = Tensor.empty(device, [Math.max(plan.positions, 1)]);
  const weights = Tensor.empty(device, [Math.max(plan.positions, 1)]);
  const status = Tensor.fromArray(device, new Int32Array(2), [2]);
  const work = launch(device, ceKernel, {
    constants: ceConstants(plan, weight),
    bindings: [input.binding, target.binding, weight?.binding ?? placeholder, terms.binding, weights.binding, status.binding],
    params: ceParamsOf(plan),
    workgroups: groups(plan.positions),
  });
  terms.setWrittenBy(work);
  weights.setWrittenBy(work);
  let loss: Tensor;
  let denominator: Tensor;
  if (plan.reduction === 'none') {
    loss = terms.reshape(plan.outputShape);
    denominator = Tensor.fromArray(device, new Float32Array([1]), [1]);
  } else {
    [loss, denominator] = reduce(terms, plan.probabilities ? null : weights, plan.reduction === 'mean');
  }
  terms.dispose();
  weights.dispose();
  // The target check reads 8 bytes, only when the loss is read, in the same submit as the loss.
  let checked: Promise<void> | null = null;
  loss.setReadCheck({
    run: () =>
      (checked ??= status.toArray().then(([bad, index]) => {
        if (bad) throw new TorchError(messages.targetOutOfBounds(index!), 'IndexError');
      })),
    release: () => status.dispose(),
  });
  const saved = [input, target as Tensor, ...(weight ? [weight] : []), denominator];
  const recorded = record(crossEntropyGradFn(plan, input.shape.length), [input], loss, saved, (grad, _needs, [x, t, ...rest]) => {
    const [w, denom] = weight ? [rest[0]!, rest[1]!] : [null, rest[0]!];
    const gradInput = written(device, x!.shape, (out) =>
      launch(device, ceBackwardKernel, {
        constants: { ...ceConstants(plan, w), PER_POSITION: plan.reduction === 'none' ? 1 : 0, MEAN: plan.reduction === 'mean' ? 1 : 0 },
        bindings: [x!.binding, t!.binding, w?.binding ?? placeholder, grad.binding, denom.binding, out],
        params: ceParamsOf(plan),
        workgroups: groups(x!.size),
      }),
    );
    return [gradInput];
  });
  denominator.dispose();
  return recorded;
}

/** PyTorch's `F.mse_loss`: mean (or sum, or none) of (input − target)², shapes equal. */
export function mseLoss(input: Tensor, target: Tensor, options: MSELossOptions = {}): Tensor {
  requireTensor('mse_loss', 'input', input);
  requireTensor('mse_loss', 'target', target);
  checkInputs('mse_loss', [input, target]);
  const plan = planMSELoss(input.shape, target.shape, options);
  refuseGrad("mse_loss's target (its gradient; detach() the target)", [target]);
  const device = input.device;
  const terms = Tensor.empty(device, input.shape.length ? input.shape : [1]);
  terms.setWrittenBy(
    launch(device, mseKernel, {
      constants: { WORKGROUP_SIZE, BACKWARD: 0, PER_ELEMENT: 0 },
      bindings: [input.binding, target.binding, input.binding, terms.binding],
      params: { total: input.size, norm: 0 },
      workgroups: groups(input.size),
    }),
  );
  let loss: Tensor;
  if (plan.reduction === 'none') loss = terms.reshape(plan.outputShape);
  else {
    const [reduced, denominator] = reduce(terms, null, plan.reduction === 'mean');
    denominator.dispose();
    loss = reduced;
  }
  terms.dispose();
  const norm = plan.reduction === 'mean' ? 2 / input.size : 2;
  return record('MseLossBackward0', [input], loss, [input, target], (grad, _needs, [x, t]) => {
    const gradInput = written(device, x!.shape, (out) =>
      launch(device, mseKernel, {
        constants: { WORKGROUP_SIZE, BACKWARD: 1, PER_ELEMENT: plan.reduction === 'none' ? 1 : 0 },
        bindings: [x!.binding, t!.binding, grad.binding, out],
        params: { total: x!.size, norm },
        workgroups: groups(x!.size),
      }),
    );
    return [gradInput];
  });
}
