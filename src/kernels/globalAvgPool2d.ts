import code from '../../shaders/global_avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { kernelVariant, variantConstants } from '../gpu/variants.js';

const WORKGROUP_SIZE = 64;

/** Records a global average pool: each inH×inW plane → sum / divisor, in the device's chosen strategy. */
export function launchGlobalAvgPool2d(
  device: GPUDevice,
  planes: number,
  planeSize: number,
  divisor: number,
  input: GPUBuffer,
  output: GPUBuffer,
): Promise<void> {
  const variant = kernelVariant(device, 'global_avg_pool2d');
  return launch(device, {
    kernel: { name: 'global_avg_pool2d', code },
    constants: { WORKGROUP_SIZE, ...variantConstants(device, 'global_avg_pool2d') },
    inputs: [input],
    output,
    params: [['u32', planes], ['u32', planeSize], ['f32', divisor]],
    // "workgroup": a workgroup per plane; "invocation": an invocation per plane.
    workgroups: variant === 'workgroup' ? planes : Math.ceil(planes / WORKGROUP_SIZE),
  });
}
