// The pooling family's CPU reference: plain loops over a plan's 3-D geometry, in float32 steps, following
// PyTorch's CPU kernels (the window order, the argmax rule, the divisors). `avgPool2d` and `adaptiveAvgPool2d`
// are the public `reference` namespace's entry points with PyTorch's arguments; modules' `forwardCpu` run the rest.
import { TorchError } from '../../core/errors.js';
import { checkData } from '../../core/shape.js';
import type { TensorData } from '../../core/tensorData.js';
import { adaptiveWindow, avgPoolWindow, product, type AdaptiveOutputSize, type IntOrPair } from './args.js';
import { planAdaptiveAvgPool2d, type AdaptivePlan } from './adaptivePlan.js';
import { poolingMessages as messages } from './messages.js';
import { unpoolVolumeSizes, type UnpoolPlan } from './unpoolPlan.js';
import { planAvgPool2d, resolveAvgPool2dArgs, type AvgPool2dOptions, type WindowPlan } from './windowPlan.js';

const f32 = Math.fround;

/** torch.pow(x, p) on float32, with the exponents PyTorch special-cases (1, 2, 3, ±0.5, −1, 0) and C's rules for ±∞. */
export function torchPow(x: number, p: number): number {
  if (p === 1) return x;
  if (p === 2) return f32(x * x);
  if (p === 3) return f32(f32(x * x) * x);
  if (p === 0.5) return f32(Math.sqrt(x)); // sqrt: NaN below zero, −∞ included
  if (p === -0.5) return f32(1 / Math.sqrt(x));
  if (p === -1) return f32(1 / x);
  if (p === 0) return 1;
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(p)) {
    const a = Math.abs(x);
    if (a === 1) return 1; // C's pow(±1, ±∞) is 1 (JavaScript's is NaN)
    return a > 1 === p > 0 ? Infinity : 0;
  }
  return f32(x ** p); // a negative base with a fractional exponent is NaN, as in C
}

/** The first and one-past-last input positions of a dilated window (PyTorch's max kernels: the start skips the padding). */
function dilatedRange(index: number, stride: number, pad: number, kernel: number, dilation: number, size: number): [number, number] {
  let start = index * stride - pad;
  const end = Math.min(start + (kernel - 1) * dilation + 1, size);
  while (start < 0) start += dilation;
  return [start, end];
}

export interface PooledData {
  data: Float32Array;
  /** The argmax of each window, flat within its input plane (max pooling with indices). */
  indices: Int32Array | null;
}

/** Max, average or LP pooling over fixed windows. */
export function windowPool(x: Float32Array, plan: WindowPlan): PooledData {
  const [iD, iH, iW] = plan.input;
  const [oD, oH, oW] = plan.output;
  const [kD, kH, kW] = plan.kernel;
  const [sD, sH, sW] = plan.stride;
  const [pD, pH, pW] = plan.padding;
  const [dD, dH, dW] = plan.dilation;
  const inVolume = iD * iH * iW;
  const data = new Float32Array(plan.planes * oD * oH * oW);
  const indices = plan.returnIndices ? new Int32Array(data.length) : null;
  const inverseNorm = f32(1 / plan.normType);
  let at = 0;
  for (let plane = 0; plane < plan.planes; plane++) {
    const base = plane * inVolume;
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++, at++) {
          if (plan.mode === 'max') {
            const [d0, d1] = dilatedRange(od, sD, pD, kD, dD, iD);
            const [h0, h1] = dilatedRange(oh, sH, pH, kH, dH, iH);
            const [w0, w1] = dilatedRange(ow, sW, pW, kW, dW, iW);
            let best = -Infinity;
            let bestIndex = (d0 * iH + h0) * iW + w0;
            for (let d = d0; d < d1; d += dD) {
              for (let h = h0; h < h1; h += dH) {
                for (let w = w0; w < w1; w += dW) {
                  const index = (d * iH + h) * iW + w;
                  const v = x[base + index]!;
                  if (v > best || Number.isNaN(v)) {
                    best = v;
                    bestIndex = index;
                  }
                }
              }
            }
            data[at] = best;
            if (indices) indices[at] = bestIndex;
            continue;
          }
          const { start: d0, end: d1, paddedCount: cD } = avgPoolWindow(od, sD, pD, kD, iD);
          const { start: h0, end: h1, paddedCount: cH } = avgPoolWindow(oh, sH, pH, kH, iH);
          const { start: w0, end: w1, paddedCount: cW } = avgPoolWindow(ow, sW, pW, kW, iW);
          let sum = 0;
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) {
                const v = x[base + (d * iH + h) * iW + w]!;
                sum = f32(sum + (plan.mode === 'lp' ? torchPow(v, plan.normType) : v));
              }
            }
          }
          const divisor = plan.divisorOverride ?? (plan.countIncludePad ? cD * cH * cW : (d1 - d0) * (h1 - h0) * (w1 - w0));
          // A window wholly in the padding is 0, as in PyTorch.
          const average = d0 >= d1 || h0 >= h1 || w0 >= w1 ? 0 : f32(sum / divisor);
          // LP: sign(out)·relu(|out|) is out itself (NaN stays NaN); then ·kernel area, ^(1/p).
          data[at] = plan.mode === 'lp' ? torchPow(f32(average * plan.kernelArea), inverseNorm) : average;
        }
      }
    }
  }
  return { data, indices };
}

/** Adaptive average or max pooling with PyTorch's integer windows (max: the argmax rule of max pooling). */
export function adaptivePool(x: Float32Array, plan: AdaptivePlan): PooledData {
  const [iD, iH, iW] = plan.input;
  const [oD, oH, oW] = plan.output;
  const inVolume = iD * iH * iW;
  const data = new Float32Array(plan.planes * oD * oH * oW);
  const indices = plan.returnIndices ? new Int32Array(data.length) : null;
  let at = 0;
  for (let plane = 0; plane < plan.planes; plane++) {
    const base = plane * inVolume;
    for (let od = 0; od < oD; od++) {
      const [d0, d1] = adaptiveWindow(od, oD, iD);
      for (let oh = 0; oh < oH; oh++) {
        const [h0, h1] = adaptiveWindow(oh, oH, iH);
        for (let ow = 0; ow < oW; ow++, at++) {
          const [w0, w1] = adaptiveWindow(ow, oW, iW);
          let sum = 0;
          let best = -Infinity;
          let bestIndex = (d0 * iH + h0) * iW + w0;
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) {
                const index = (d * iH + h) * iW + w;
                const v = x[base + index]!;
                sum = f32(sum + v);
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  bestIndex = index;
                }
              }
            }
          }
          if (plan.mode === 'max') {
            data[at] = best;
            if (indices) indices[at] = bestIndex;
          } else {
            // An empty map only reaches here on PyTorch's global `mean` path, where 0/0 gives NaN as there.
            data[at] = f32(sum / ((d1 - d0) * (h1 - h0) * (w1 - w0)));
          }
        }
      }
    }
  }
  return { data, indices };
}

/**
 * Max unpooling: zeros, with each input value written at its index within its plane (a repeated index: the last
 * one wins, as in PyTorch's loop). An index outside the plane is PyTorch's error; like PyTorch, the one reported is
 * the last such index.
 */
export function maxUnpool(x: Float32Array, indices: Int32Array, plan: UnpoolPlan): Float32Array {
  const inVolume = product(plan.input);
  const outVolume = product(plan.output);
  const out = new Float32Array(plan.planes * outVolume);
  let invalid: number | null = null;
  for (let plane = 0; plane < plan.planes; plane++) {
    for (let i = 0; i < inVolume; i++) {
      const index = indices[plane * inVolume + i]!;
      if (index < 0 || index >= outVolume) invalid = index;
      else out[plane * outVolume + index] = x[plane * inVolume + i]!;
    }
  }
  if (invalid !== null) throw new TorchError(messages.invalidMaxIndex(invalid, unpoolVolumeSizes(plan)));
  return out;
}

/** PyTorch's avg_pool2d on the CPU, with its arguments: the window plan, run by `windowPool`. */
export function avgPool2d(data: Float32Array, shape: readonly number[], kernelSize: IntOrPair, options: AvgPool2dOptions = {}): TensorData {
  const plan = planAvgPool2d(shape, resolveAvgPool2dArgs(kernelSize, options));
  checkData(data, shape);
  return { data: windowPool(data, plan).data, shape: plan.outputShape };
}

/** PyTorch's adaptive_avg_pool2d on the CPU, with its arguments: the adaptive plan, run by `adaptivePool`. */
export function adaptiveAvgPool2d(data: Float32Array, shape: readonly number[], outputSize: AdaptiveOutputSize): TensorData {
  const plan = planAdaptiveAvgPool2d(shape, outputSize);
  checkData(data, shape);
  return { data: adaptivePool(data, plan).data, shape: plan.outputShape };
}
