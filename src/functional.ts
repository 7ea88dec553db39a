// Functional ops on Tensors: check arguments and shapes (through poolingPlan, synchronously, before any GPU
// work), then choose and record the kernel. The returned Tensor is usable at once; its GPU work is queued.
import { checkDeviceUsable } from './gpu/deviceState.js';
import { adaptiveFitsU32, launchAdaptiveAvgPool2d } from './kernels/adaptiveAvgPool2d.js';
import { launchAvgPool2d } from './kernels/avgPool2d.js';
import { launchGlobalAvgPool2d } from './kernels/globalAvgPool2d.js';
import {
  avgPoolWindow,
  planAdaptiveAvgPool2d,
  planAvgPool2d,
  resolveAvgPool2dArgs,
  type AdaptiveOutputSize,
  type AvgPool2dArgs,
  type AvgPool2dOptions,
  type AvgPool2dPlan,
  type IntOrPair,
} from './poolingPlan.js';
import { Tensor } from './tensor.js';

/** Allocates the output and records `write` into it, or returns it at once when it has no elements. */
function produce(input: Tensor, outputShape: readonly number[], write: (input: GPUBuffer, output: GPUBuffer) => Promise<void>): Tensor {
  const inputBuffer = input.buffer; // throws if the input was disposed
  checkDeviceUsable(input.device);
  const output = Tensor.empty(input.device, outputShape);
  if (output.size > 0) output.setWrittenBy(write(inputBuffer, output.buffer));
  return output;
}

/**
 * The divisor when the single output window covers the whole map (e.g. AvgPool2d(7) on 7×7, the fixed
 * ResNet head), so the reduction kernel can run it; null otherwise.
 */
function wholeMapDivisor(plan: AvgPool2dPlan): number | null {
  if (plan.outH !== 1 || plan.outW !== 1) return null;
  const rows = avgPoolWindow(0, plan.strideH, plan.padH, plan.kernelH, plan.inH);
  const cols = avgPoolWindow(0, plan.strideW, plan.padW, plan.kernelW, plan.inW);
  if (rows.start !== 0 || rows.end !== plan.inH || cols.start !== 0 || cols.end !== plan.inW) return null;
  return plan.divisorOverride ?? (plan.countIncludePad ? rows.paddedCount * cols.paddedCount : plan.inH * plan.inW);
}

/** avg_pool2d with arguments already normalised (nn.AvgPool2d resolves them once, at construction). */
export function avgPool2dWithArgs(input: Tensor, args: AvgPool2dArgs): Tensor {
  const plan = planAvgPool2d(input.shape, args);
  const divisor = wholeMapDivisor(plan);
  return produce(input, plan.outputShape, (x, y) =>
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
  const plan = planAdaptiveAvgPool2d(input.shape, outputSize);
  const planeSize = plan.inH * plan.inW;
  if (plan.isGlobalMean && planeSize === 0 && plan.planes > 0) {
    // PyTorch's mean over an empty map is NaN; no kernel needs to run for that.
    input.buffer; // still reject a disposed input
    return Tensor.fromArray(input.device, new Float32Array(plan.planes).fill(NaN), plan.outputShape);
  }
  if (!plan.isGlobalMean && !adaptiveFitsU32(plan)) {
    throw new RangeError(`webgpu-layers: adaptive_avg_pool2d from ${plan.inH}x${plan.inW} to ${plan.outH}x${plan.outW} is too large for the kernel's 32-bit window arithmetic`);
  }
  return produce(input, plan.outputShape, (x, y) =>
    plan.isGlobalMean
      ? launchGlobalAvgPool2d(input.device, plan.planes, planeSize, planeSize, x, y)
      : launchAdaptiveAvgPool2d(input.device, plan, x, y),
  );
}
