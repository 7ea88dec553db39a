// The pooling family's backward: average and max pooling (window and adaptive windows, every rank, the global
// paths included) as a gather on the GPU (shaders/pooling/pool_backward.wgsl), max unpooling's gather, and the same
// gradients on the CPU reference as PyTorch's CPU kernels compute them, a scatter in output raster order (the same
// terms in the same order).
import source from '../../../shaders/pooling/pool_backward.wgsl?raw';
import unpoolSource from '../../../shaders/pooling/max_unpool_backward.wgsl?raw';
import globalSource from '../../../shaders/pooling/global_pool_backward.wgsl?raw';
import lpSource from '../../../shaders/pooling/lp_backward.wgsl?raw';
import torchPow from '../../../shaders/pooling/torch_pow.wgsl?raw';
import { contextOf } from '../../runtime/context.js';
import type { Tensor } from '../../core/tensor.js';
import { written } from '../produce.js';
import { defineKernel } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { adaptiveWindow, avgPoolWindow, product } from './args.js';
import type { AdaptivePlan } from './adaptivePlan.js';
import { wholeVolumeDivisor, type WindowPlan } from './windowPlan.js';

const WORKGROUP_SIZE = 64;
const AXES = ['D', 'H', 'W'] as const;
const kernel = defineKernel({
  name: 'pool_backward',
  source,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'indices', access: 'read', element: 'i32' },
    { name: 'gradInput', access: 'read_write' },
  ],
  params: {
    planes: 'u32',
    ...Object.fromEntries(
      AXES.flatMap((a) => [
        [`in${a}`, 'u32'],
        [`out${a}`, 'u32'],
        [`kernel${a}`, 'u32'],
        [`stride${a}`, 'u32'],
        [`pad${a}`, 'u32'],
        [`dilation${a}`, 'u32'],
      ]),
    ),
    countIncludePad: 'u32',
    divisorOverride: 'i32',
  } as Record<string, 'u32' | 'i32' | 'f32'>,
});

const globalKernel = defineKernel({
  name: 'global_pool_backward',
  source: globalSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'gradInput', access: 'read_write' },
  ],
  params: { planes: 'u32', planeSize: 'u32', divisor: 'f32' },
});

/** A global pool's gradient: g / divisor over each whole plane (PyTorch's mean backward and the whole-map window's). */
function globalPoolBackward(grad: Tensor, plan: TrainablePlan, divisor: number): Tensor {
  return written(grad.device, plan.inputShape, (out, size) =>
    launch(grad.device, globalKernel, {
      constants: { WORKGROUP_SIZE },
      bindings: [grad.binding, out],
      params: { planes: plan.planes, planeSize: product(plan.input), divisor },
      workgroups: Math.ceil(size / 4 / WORKGROUP_SIZE),
    }),
  );
}

const lpKernel = defineKernel({
  name: 'lp_backward',
  source: lpSource,
  bindings: [
    { name: 'a', access: 'read' },
    { name: 'b', access: 'read' },
    { name: 'out', access: 'read_write' },
  ],
  params: { total: 'u32', normType: 'f32', inverseNorm: 'f32', kernelArea: 'f32' },
  libraries: [torchPow],
});

/**
 * One elementwise stage of LP pooling's backward (shaders/pooling/lp_backward.wgsl): 0: x^p; 1: dS from (g, S);
 * 2: dx from (d(x^p), x). The result has `a`'s shape.
 */
export function lpStage(stage: 0 | 1 | 2, a: Tensor, b: Tensor | null, plan: WindowPlan): Tensor {
  return written(a.device, a.shape, (out, size) =>
    launch(a.device, lpKernel, {
      constants: { WORKGROUP_SIZE, STAGE: stage },
      bindings: [a.binding, (b ?? a).binding, out],
      params: { total: size, normType: plan.normType, inverseNorm: 1 / plan.normType, kernelArea: plan.kernelArea },
      workgroups: Math.ceil(size / WORKGROUP_SIZE),
    }),
  );
}

const unpoolKernel = defineKernel({
  name: 'max_unpool_backward',
  source: unpoolSource,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'indices', access: 'read', element: 'i32' },
    { name: 'gradInput', access: 'read_write' },
  ],
  params: { planes: 'u32', inVolume: 'u32', outVolume: 'u32' },
});

/** The plans whose backward the kit has: average and max windows, adaptive averages and maxima (LP pooling: not yet). */
export type TrainablePlan = (WindowPlan & { mode: 'avg' | 'max' }) | AdaptivePlan;

const isWindow = (plan: TrainablePlan): plan is WindowPlan & { mode: 'avg' | 'max' } => 'kernel' in plan;

/** PyTorch's grad_fn name of a pooling plan's node. */
export function poolGradFnName(plan: TrainablePlan): string {
  const rank = plan.spatialRank;
  // PyTorch runs the 1-D ops as 2-D ones between an unsqueeze and a squeeze.
  if (plan.op.endsWith('1d')) return 'SqueezeBackward1';
  if (plan.mode === 'max') return isWindow(plan) ? `MaxPool${rank}DWithIndicesBackward0` : `AdaptiveMaxPool${rank}DBackward0`;
  if (!isWindow(plan) && plan.isGlobalMean) return 'MeanBackward1';
  return isWindow(plan) ? `AvgPool${rank}DBackward0` : `AdaptiveAvgPool${rank}DBackward0`;
}

/** dL/dx of a pool from dL/dy (for max pooling, with the forward's argmax indices), on the GPU: one invocation per input element. */
export function poolBackward(grad: Tensor, plan: TrainablePlan, indices: Tensor<'int32'> | null = null): Tensor {
  const window = isWindow(plan);
  const globalDivisor = window ? (plan.mode === 'avg' ? wholeVolumeDivisor(plan) : null) : plan.isGlobalMean ? product(plan.input) : null;
  if (globalDivisor !== null) return globalPoolBackward(grad, plan, globalDivisor);
  const values: Record<string, number> = {
    planes: plan.planes,
    countIncludePad: window && plan.countIncludePad ? 1 : 0,
    divisorOverride: window ? (plan.divisorOverride ?? 0) : 0,
  };
  AXES.forEach((a, i) => {
    values[`in${a}`] = plan.input[i]!;
    values[`out${a}`] = plan.output[i]!;
    values[`kernel${a}`] = window ? plan.kernel[i]! : 1;
    values[`stride${a}`] = window ? plan.stride[i]! : 1;
    values[`pad${a}`] = window ? plan.padding[i]! : 0;
    values[`dilation${a}`] = window ? plan.dilation[i]! : 1;
  });
  return written(grad.device, plan.inputShape, (out, size) =>
    launch(grad.device, kernel, {
      constants: { WORKGROUP_SIZE, ADAPTIVE: window ? 0 : 1, MAX: plan.mode === 'max' ? 1 : 0 },
      bindings: [grad.binding, indices?.binding ?? { buffer: contextOf(grad.device).placeholder() }, out],
      params: values,
      workgroups: Math.ceil(size / WORKGROUP_SIZE),
    }),
  );
}

/** Max unpooling's input gradient: each input element takes the output gradient at its index (a gather). */
export function maxUnpoolBackward(grad: Tensor, indices: Tensor<'int32'>, inputShape: readonly number[], planes: number, outVolume: number): Tensor {
  return written(grad.device, inputShape, (out, size) =>
    launch(grad.device, unpoolKernel, {
      constants: { WORKGROUP_SIZE },
      bindings: [grad.binding, indices.binding, out],
      params: { planes, inVolume: size / Math.max(1, planes), outVolume },
      workgroups: Math.ceil(size / WORKGROUP_SIZE),
    }),
  );
}

/** Max pooling's gradient on the CPU, as PyTorch's CPU kernel scatters it: `gradInput[argmax] += g`, output raster order. */
export function maxPoolBackwardReference(grad: Float32Array, indices: Int32Array, plan: TrainablePlan): Float32Array {
  const inVolume = product(plan.input);
  const outVolume = product(plan.output);
  const gradInput = new Float32Array(plan.planes * inVolume);
  for (let p = 0; p < plan.planes; p++)
    for (let o = 0; o < outVolume; o++) {
      const at = indices[p * outVolume + o]!;
      if (at >= 0 && at < inVolume) gradInput[p * inVolume + at] = Math.fround(gradInput[p * inVolume + at]! + grad[p * outVolume + o]!);
    }
  return gradInput;
}

/** The same gradient on the CPU, as PyTorch 1.13's CPU kernels scatter it: output raster order, `+= g / divisor`. */
export function avgPoolBackwardReference(grad: Float32Array, plan: TrainablePlan): Float32Array {
  const [D, H, W] = plan.input;
  const [oD, oH, oW] = plan.output;
  const inVolume = D * H * W;
  const outVolume = oD * oH * oW;
  const gradInput = new Float32Array(plan.planes * inVolume);
  const window = isWindow(plan);
  const mean = !window && plan.isGlobalMean ? inVolume : 0;
  const bounds = (o: number, axis: number) => {
    if (!window) {
      const [start, end] = adaptiveWindow(o, plan.output[axis]!, plan.input[axis]!);
      return { start, end, paddedCount: end - start };
    }
    return avgPoolWindow(o, plan.stride[axis]!, plan.padding[axis]!, plan.kernel[axis]!, plan.input[axis]!);
  };
  for (let p = 0; p < plan.planes; p++) {
    for (let od = 0; od < oD; od++) {
      const d = bounds(od, 0);
      for (let oh = 0; oh < oH; oh++) {
        const h = bounds(oh, 1);
        for (let ow = 0; ow < oW; ow++) {
          const w = bounds(ow, 2);
          const g = grad[p * outVolume + (od * oH + oh) * oW + ow]!;
          let term: number;
          if (!window)
            term = mean ? Math.fround(g / mean) : Math.fround(Math.fround(Math.fround(g / (d.end - d.start)) / (h.end - h.start)) / (w.end - w.start));
          else {
            const divisor =
              plan.divisorOverride ??
              (plan.countIncludePad ? d.paddedCount * h.paddedCount * w.paddedCount : (d.end - d.start) * (h.end - h.start) * (w.end - w.start));
            term = Math.fround(g / divisor);
          }
          for (let id = d.start; id < d.end; id++)
            for (let ih = h.start; ih < h.end; ih++)
              for (let iw = w.start; iw < w.end; iw++) {
                const at = p * inVolume + (id * H + ih) * W + iw;
                gradInput[at] = Math.fround(gradInput[at]! + term);
              }
        }
      }
    }
  }
  return gradInput;
}
