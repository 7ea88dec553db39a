// CPU reference for avg_pool2d, written for clarity: PyTorch's cpu_avg_pool loop, one output at a time.
import { avgPoolWindow, planAvgPool2d, resolveAvgPool2dArgs, type AvgPool2dOptions, type IntOrPair } from '../poolingPlan.js';
import { checkData } from '../shape.js';
import type { TensorData } from './tensorData.js';

export function avgPool2d(data: Float32Array, shape: readonly number[], kernelSize: IntOrPair, options: AvgPool2dOptions = {}): TensorData {
  const plan = planAvgPool2d(shape, resolveAvgPool2dArgs(kernelSize, options));
  checkData(data, shape);
  const { planes, inH, inW, outH, outW } = plan;
  const out = new Float32Array(planes * outH * outW);
  for (let plane = 0; plane < planes; plane++) {
    const inputOffset = plane * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const rows = avgPoolWindow(oh, plan.strideH, plan.padH, plan.kernelH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const cols = avgPoolWindow(ow, plan.strideW, plan.padW, plan.kernelW, inW);
        const outIndex = (plane * outH + oh) * outW + ow;
        if (rows.start >= rows.end || cols.start >= cols.end) continue; // an all-padding window is 0, as in PyTorch
        let sum = 0;
        for (let h = rows.start; h < rows.end; h++) {
          for (let w = cols.start; w < cols.end; w++) sum += data[inputOffset + h * inW + w]!;
        }
        const divisor =
          plan.divisorOverride ??
          (plan.countIncludePad ? rows.paddedCount * cols.paddedCount : (rows.end - rows.start) * (cols.end - cols.start));
        out[outIndex] = sum / divisor;
      }
    }
  }
  return { data: out, shape: plan.outputShape };
}
