import code from '../../shaders/channel_scale.wgsl?raw';
import { launch } from '../gpu/launch.js';

const WORKGROUP_SIZE = 64;
const kernel = { name: 'channel_scale', code };

/** Records y = x · gate, one gate value per planeSize-long (n, c) map. */
export function launchChannelScale(device: GPUDevice, total: number, planeSize: number, x: GPUBuffer, gate: GPUBuffer, y: GPUBuffer): Promise<void> {
  return launch(device, {
    kernel,
    constants: { WORKGROUP_SIZE },
    inputs: [x, gate],
    output: y,
    params: [['u32', total], ['u32', planeSize]],
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
