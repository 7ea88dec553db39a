// The pooling family's backward: average pooling (window and adaptive, every rank, the global paths included) as a
// gather on the GPU (shaders/pooling/pool_backward.wgsl), and the same gradient on the CPU reference as PyTorch's
// CPU kernels compute it, a scatter in output raster order (the same terms in the same order).
import source from '../../../shaders/pooling/pool_backward.wgsl?raw';
import { Tensor } from '../../core/tensor.js';
import { defineKernel } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { adaptiveWindow, avgPoolWindow, product } from './args.js';
import type { AdaptivePlan } from './adaptivePlan.js';
import type { WindowPlan } from './windowPlan.js';

const WORKGROUP_SIZE = 64;
const AXES = ['D', 'H', 'W'] as const;
const kernel = defineKernel({
  name: 'pool_backward',
  source,
  bindings: [
    { name: 'grad', access: 'read' },
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
      ]),
    ),
    countIncludePad: 'u32',
    divisorOverride: 'i32',
    meanDivisor: 'f32',
  } as Record<string, 'u32' | 'i32' | 'f32'>,
});

/** The plans whose backward the kit has: average windows, adaptive averages (and their global paths). */
export type AvgPlan = (WindowPlan & { mode: 'avg' }) | (AdaptivePlan & { mode: 'avg' });

const isWindow = (plan: AvgPlan): plan is WindowPlan & { mode: 'avg' } => 'kernel' in plan;

/** PyTorch's grad_fn name of a pooling plan's node. */
export function poolGradFnName(plan: AvgPlan): string {
  if (plan.op.endsWith('1d')) return 'SqueezeBackward1';
  if (!isWindow(plan) && plan.isGlobalMean) return 'MeanBackward1'; // PyTorch runs the 1-D ops as 2-D ones between an unsqueeze and a squeeze
  return isWindow(plan) ? `AvgPool${plan.spatialRank}DBackward0` : `AdaptiveAvgPool${plan.spatialRank}DBackward0`;
}

/** dL/dx of an average pool from dL/dy, on the GPU: one invocation per input element. */
export function avgPoolBackward(grad: Tensor, plan: AvgPlan): Tensor {
  const out = Tensor.empty(grad.device, plan.inputShape);
  if (out.size === 0) return out;
  const window = isWindow(plan);
  const values: Record<string, number> = {
    planes: plan.planes,
    countIncludePad: window && plan.countIncludePad ? 1 : 0,
    divisorOverride: window ? (plan.divisorOverride ?? 0) : 0,
    meanDivisor: !window && plan.isGlobalMean ? product(plan.input) : 0,
  };
  AXES.forEach((a, i) => {
    values[`in${a}`] = plan.input[i]!;
    values[`out${a}`] = plan.output[i]!;
    values[`kernel${a}`] = window ? plan.kernel[i]! : 1;
    values[`stride${a}`] = window ? plan.stride[i]! : 1;
    values[`pad${a}`] = window ? plan.padding[i]! : 0;
  });
  out.setWrittenBy(
    launch(grad.device, kernel, {
      constants: { WORKGROUP_SIZE, ADAPTIVE: window ? 0 : 1 },
      bindings: [grad.binding, out.binding],
      params: values,
      workgroups: Math.ceil(out.size / WORKGROUP_SIZE),
    }),
  );
  return out;
}

/** The same gradient on the CPU, as PyTorch 1.13's CPU kernels scatter it: output raster order, `+= g / divisor`. */
export function avgPoolBackwardReference(grad: Float32Array, plan: AvgPlan): Float32Array {
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
