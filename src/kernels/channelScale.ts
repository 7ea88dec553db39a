import code from '../../shaders/channel_scale.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { variantConstants } from '../gpu/variants.js';

const WORKGROUP_SIZE = 64;
const kernel = { name: 'channel_scale', code };

/** Records y = x · gate, one gate value per planeSize-long (n, c) map. */
export function launchChannelScale(device: GPUDevice, planes: number, planeSize: number, x: GPUBuffer, gate: GPUBuffer, y: GPUBuffer): Promise<void> {
  const variant = variantConstants(device, 'channel_scale');
  const constants = { WORKGROUP_SIZE, ...variant };
  return launch(device, {
    kernel,
    constants,
    inputs: [x, gate],
    output: y,
    params: [['u32', planes], ['u32', planeSize]],
    workgroups: [Math.ceil(planeSize / (WORKGROUP_SIZE * variant.ELEMENTS_PER_INVOCATION!)), planes],
  });
}
