// CPU reference for adaptive_avg_pool2d, written for clarity, with PyTorch's integer window bounds.
import { adaptiveWindow, planAdaptiveAvgPool2d, type AdaptiveOutputSize } from '../poolingPlan.js';
import { checkData } from '../shape.js';
import type { TensorData } from './tensorData.js';

export function adaptiveAvgPool2d(data: Float32Array, shape: readonly number[], outputSize: AdaptiveOutputSize): TensorData {
  const plan = planAdaptiveAvgPool2d(shape, outputSize);
  checkData(data, shape);
  const { planes, inH, inW, outH, outW } = plan;
  const out = new Float32Array(planes * outH * outW);
  for (let plane = 0; plane < planes; plane++) {
    const inputOffset = plane * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const [h0, h1] = adaptiveWindow(oh, outH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const [w0, w1] = adaptiveWindow(ow, outW, inW);
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) sum += data[inputOffset + h * inW + w]!;
        }
        // An empty map only reaches here on PyTorch's 1×1 `mean` path, where 0/0 gives NaN as there.
        out[(plane * outH + oh) * outW + ow] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return { data: out, shape: plan.outputShape };
}
