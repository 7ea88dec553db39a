// CPU reference of Tensor.fromImage: RGBA bytes → (1, 3, H, W) floats, torchvision's ToTensor (÷255), Resize
// (bilinear, align_corners=False, no antialias) and Normalize.
import { planImage, sourceCoordinate, type FromImageOptions } from './plan.js';
import type { TensorData } from '../../core/tensorData.js';

export function imageToTensor(image: { data: ArrayLike<number>; width: number; height: number }, options: FromImageOptions = {}): TensorData {
  const plan = planImage(image.height, image.width, options);
  const { inW, outH, outW, mean, std } = plan;
  const out = new Float32Array(3 * outH * outW);
  for (let y = 0; y < outH; y++) {
    const r = sourceCoordinate(y, plan.inH, outH);
    for (let x = 0; x < outW; x++) {
      const c = sourceCoordinate(x, inW, outW);
      for (let ch = 0; ch < 3; ch++) {
        const at = (row: number, col: number) => image.data[(row * inW + col) * 4 + ch]! / 255;
        const top = (1 - c.lambda) * at(r.i0, c.i0) + c.lambda * at(r.i0, c.i1);
        const bottom = (1 - c.lambda) * at(r.i1, c.i0) + c.lambda * at(r.i1, c.i1);
        const value = (1 - r.lambda) * top + r.lambda * bottom;
        out[(ch * outH + y) * outW + x] = (value - mean[ch]!) / std[ch]!;
      }
    }
  }
  return { data: out, shape: [1, 3, outH, outW] };
}
