import source from '../../../shaders/image/image_to_tensor.wgsl?raw';
import { defineKernel } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import type { ImagePlan } from './plan.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'image_to_tensor',
  source,
  bindings: [
    { name: 'pixels', access: 'read', element: 'u32' },
    { name: 'output', access: 'read_write' },
  ],
  params: {
    inH: 'u32',
    inW: 'u32',
    rowStride: 'u32', // pixels per row in the buffer (copies from a texture pad rows to 256 bytes)
    outH: 'u32',
    outW: 'u32',
    scaleH: 'f32',
    scaleW: 'f32', // in / out, as PyTorch computes it in float32
    mean0: 'f32',
    mean1: 'f32',
    mean2: 'f32',
    std0: 'f32',
    std1: 'f32',
    std2: 'f32',
  },
});

/** Records the resize-and-normalize of RGBA8 pixels (rows of `rowStride` pixels) into a (1, 3, outH, outW) tensor. */
export function launchImageToTensor(device: GPUDevice, plan: ImagePlan, rowStride: number, pixels: GPUBufferBinding, output: GPUBufferBinding): Promise<void> {
  const { inH, inW, outH, outW, mean, std } = plan;
  return launch(device, kernel, {
    constants: { WORKGROUP_SIZE },
    bindings: [pixels, output],
    params: {
      inH,
      inW,
      rowStride,
      outH,
      outW,
      scaleH: Math.fround(inH / outH),
      scaleW: Math.fround(inW / outW),
      mean0: mean[0],
      mean1: mean[1],
      mean2: mean[2],
      std0: std[0],
      std1: std[1],
      std2: std[2],
    },
    workgroups: Math.ceil((outH * outW) / WORKGROUP_SIZE),
  });
}
