// Conv2d on the CPU, forward and backward side by side, over the same plan and padding map as the kernels, summing in
// the kernels' order (input channel, kernel row, kernel column; for the gradients n, then output rows and columns).
import { type Conv2dOptions, type Conv2dPlan, type PaddingMode, planConv2d, resolveConv2dArgs, sourceIndex } from './plan.js';

/** y[n, oc, oh, ow] = bias[oc] + Σ x_padded[n, g·icg + ic, oh·s − pad + kh·d, …] · w[oc, ic, kh, kw]. */
export function conv2d(x: Float32Array, weight: Float32Array, bias: Float32Array | null, plan: Conv2dPlan): Float32Array {
  const { batch, inChannels, outChannels, groups, inH, inW, kH, kW, outH, outW } = plan;
  const perGroupIn = inChannels / groups;
  const perGroupOut = outChannels / groups;
  const out = new Float32Array(batch * outChannels * outH * outW);
  for (let n = 0; n < batch; n++)
    for (let oc = 0; oc < outChannels; oc++) {
      const group = Math.floor(oc / perGroupOut);
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++) {
          let sum = 0;
          for (let ic = 0; ic < perGroupIn; ic++) {
            const plane = (n * inChannels + group * perGroupIn + ic) * inH * inW;
            for (let kh = 0; kh < kH; kh++) {
              const ih = sourceIndex(oh * plan.strideH + kh * plan.dilationH, plan.padTop, inH, plan.mode);
              if (ih < 0) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = sourceIndex(ow * plan.strideW + kw * plan.dilationW, plan.padLeft, inW, plan.mode);
                if (iw < 0) continue;
                sum = Math.fround(sum + Math.fround(x[plane + ih * inW + iw]! * weight[((oc * perGroupIn + ic) * kH + kh) * kW + kw]!));
              }
            }
          }
          out[((n * outChannels + oc) * outH + oh) * outW + ow] = bias ? Math.fround(sum + bias[oc]!) : sum;
        }
    }
  return out;
}

/** dX, dW, db of conv2d for the output gradient g (scattered here; the kernels gather the same terms). */
export function conv2dBackward(
  g: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  plan: Conv2dPlan,
): { input: Float32Array; weight: Float32Array; bias: Float32Array } {
  const { batch, inChannels, outChannels, groups, inH, inW, kH, kW, outH, outW } = plan;
  const perGroupIn = inChannels / groups;
  const perGroupOut = outChannels / groups;
  const dX = new Float64Array(x.length);
  const dW = new Float64Array(weight.length);
  const dB = new Float64Array(outChannels);
  for (let n = 0; n < batch; n++)
    for (let oc = 0; oc < outChannels; oc++) {
      const group = Math.floor(oc / perGroupOut);
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++) {
          const gv = g[((n * outChannels + oc) * outH + oh) * outW + ow]!;
          dB[oc] = dB[oc]! + gv;
          for (let ic = 0; ic < perGroupIn; ic++) {
            const plane = (n * inChannels + group * perGroupIn + ic) * inH * inW;
            for (let kh = 0; kh < kH; kh++) {
              const ih = sourceIndex(oh * plan.strideH + kh * plan.dilationH, plan.padTop, inH, plan.mode);
              if (ih < 0) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = sourceIndex(ow * plan.strideW + kw * plan.dilationW, plan.padLeft, inW, plan.mode);
                if (iw < 0) continue;
                const w = ((oc * perGroupIn + ic) * kH + kh) * kW + kw;
                dX[plane + ih * inW + iw] = dX[plane + ih * inW + iw]! + gv * weight[w]!;
                dW[w] = dW[w]! + gv * x[plane + ih * inW + iw]!;
              }
            }
          }
        }
    }
  return { input: Float32Array.from(dX), weight: Float32Array.from(dW), bias: Float32Array.from(dB) };
}

/**
 * The CPU reference with PyTorch's arguments: `F.conv2d(x, weight, bias, …)` on `{ data, shape }` (also the padding
 * modes of nn.Conv2d) → `{ data, shape }`, or PyTorch's error.
 */
export function conv2dReference(
  x: { data: Float32Array; shape: readonly number[] },
  weight: { data: Float32Array; shape: readonly number[] },
  bias: Float32Array | null = null,
  options: Conv2dOptions & { paddingMode?: PaddingMode } = {},
): { data: Float32Array; shape: number[] } {
  const plan = planConv2d(x.shape, weight.shape, bias ? [bias.length] : null, resolveConv2dArgs(options));
  return { data: conv2d(x.data, weight.data, bias, plan), shape: [...plan.outputShape] };
}
