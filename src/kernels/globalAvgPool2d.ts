import code from '../../shaders/global_avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';

const WORKGROUP_SIZE = 64;

/** Records a global average pool: one workgroup reduces one inH×inW plane to sum / divisor. */
export function launchGlobalAvgPool2d(
  device: GPUDevice,
  planes: number,
  planeSize: number,
  divisor: number,
  input: GPUBuffer,
  output: GPUBuffer,
): Promise<void> {
  return launch(device, {
    kernel: { name: 'global_avg_pool2d', code },
    constants: { WORKGROUP_SIZE },
    inputs: [input],
    output,
    params: [['u32', planes], ['u32', planeSize], ['f32', divisor]],
    workgroups: planes,
  });
}
