// The one place that checks Tensor.fromImage's arguments and turns them into a plan (output size, torchvision's
// Resize and Normalize numbers) that the GPU kernel and the CPU reference both follow.
import { WebGPULayersError } from '../../core/errors.js';

export interface FromImageOptions {
  /**
   * torchvision's `Resize(size)`: [h, w] resizes to exactly that; a number resizes the shorter edge to it,
   * keeping the aspect ratio (the longer edge becomes floor(size · long / short)). Default: no resize.
   * Bilinear, antialias off: `F.interpolate(mode='bilinear', align_corners=False)` (newer torchvision defaults
   * to antialias=True for downscaling; the kit does not antialias).
   */
  size?: number | readonly [number, number];
  /** Per channel (R, G, B), subtracted after scaling to [0, 1]; default [0, 0, 0]. */
  mean?: readonly [number, number, number];
  /** Per channel, divided by after the mean; default [1, 1, 1]. ImageNet: mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]. */
  std?: readonly [number, number, number];
}

export interface ImagePlan {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  mean: [number, number, number];
  std: [number, number, number];
}

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** torchvision's `_compute_resized_output_size` for an int size: the shorter edge becomes `size`. */
function shorterEdge(inH: number, inW: number, size: number): [number, number] {
  const [short, long] = inH <= inW ? [inH, inW] : [inW, inH];
  const newLong = Math.floor((size * long) / short);
  return inH <= inW ? [size, newLong] : [newLong, size];
}

export function planImage(inH: number, inW: number, options: FromImageOptions = {}): ImagePlan {
  const who = 'Tensor.fromImage';
  if (!positiveInt(inH) || !positiveInt(inW)) throw new WebGPULayersError('invalid-argument', `${who}: the image has no pixels (${inW}×${inH})`);
  const { size, mean = [0, 0, 0], std = [1, 1, 1] } = options;
  let outH = inH;
  let outW = inW;
  if (size !== undefined) {
    if (Array.isArray(size)) {
      if (size.length !== 2 || !size.every(positiveInt))
        throw new WebGPULayersError('invalid-argument', `${who}: size must be a positive int or [h, w] of positive ints, but got [${String(size)}]`);
      [outH, outW] = size as [number, number];
    } else if (positiveInt(size)) {
      [outH, outW] = shorterEdge(inH, inW, size as number);
    } else {
      throw new WebGPULayersError('invalid-argument', `${who}: size must be a positive int or [h, w] of positive ints, but got ${String(size)}`);
    }
  }
  const triple = (name: string, v: readonly number[]) => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new WebGPULayersError('invalid-argument', `${who}: ${name} must be three finite numbers (R, G, B), but got [${String(v)}]`);
    }
    return [...v] as [number, number, number];
  };
  const plan = { inH, inW, outH, outW, mean: triple('mean', mean), std: triple('std', std) };
  if (plan.std.some((s) => s === 0))
    throw new WebGPULayersError('invalid-argument', `${who}: std must not be 0 (torchvision: "std evaluated to zero after conversion to float32")`);
  return plan;
}

/**
 * PyTorch's bilinear source coordinate (align_corners=False, no scale factor), in float32 as its CPU kernel
 * computes it: scale = in / out, src = max(scale · (dst + 0.5) − 0.5, 0).
 */
export function sourceCoordinate(dst: number, inSize: number, outSize: number): { i0: number; i1: number; lambda: number } {
  const scale = Math.fround(inSize / outSize);
  const src = Math.max(Math.fround(Math.fround(scale * Math.fround(dst + 0.5)) - 0.5), 0);
  const i0 = Math.floor(src);
  return { i0, i1: i0 < inSize - 1 ? i0 + 1 : i0, lambda: Math.fround(src - i0) };
}
