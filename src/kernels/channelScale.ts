import code from '../../shaders/channel_scale.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import { variantConstants } from '../gpu/variants.js';

const WORKGROUP_SIZE = 64;
const kernel = { name: 'channel_scale', code };

/** Records y = x · gate, one gate value per planeSize-long (n, c) map. */
export function launchChannelScale(device: GPUDevice, planes: number, planeSize: number, x: GPUBuffer, gate: GPUBuffer, y: GPUBuffer): Promise<void> {
  const variant = variantConstants(device, 'channel_scale');
  const constants = { WORKGROUP_SIZE, ...variant };
  return launchInChunks(device, planes, planeSize, planeSize, x, y, (chunk) =>
    launch(device, {
      kernel,
      constants,
      inputs: [chunk.input, gate],
      output: chunk.output,
      params: [['u32', chunk.planes], ['u32', planeSize], ['u32', chunk.firstPlane], ['u32', chunk.inputBase], ['u32', chunk.outputBase]],
      workgroups: [Math.ceil(planeSize / (WORKGROUP_SIZE * variant.ELEMENTS_PER_INVOCATION!)), chunk.planes],
    }),
  );
}
