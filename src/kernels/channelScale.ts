import code from '../../shaders/channel_scale.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import { variantConstants } from '../gpu/variants.js';

const WORKGROUP_SIZE = 64;
const kernel = { name: 'channel_scale', code };

/** Records y = x · gate, one gate value per planeSize-long (n, c) map, as vec4s (shaders/channel_scale.wgsl). */
export function launchChannelScale(device: GPUDevice, planes: number, planeSize: number, x: GPUBuffer, gate: GPUBuffer, y: GPUBuffer): Promise<void> {
  const variant = variantConstants(device, 'channel_scale');
  const constants = { WORKGROUP_SIZE, ...variant };
  return launchInChunks(device, planes, planeSize, planeSize, x, y, (chunk) => {
    // x and y have the same plane size, so their windows coincide: the piece's elements are
    // [base, base + count) of each window, covered by whole vec4s.
    const count = chunk.planes * planeSize;
    const firstVec4 = Math.floor(chunk.inputBase / 4);
    const vec4s = Math.ceil((chunk.inputBase + count) / 4) - firstVec4;
    return launch(device, {
      kernel,
      constants,
      inputs: [chunk.input, gate],
      output: chunk.output,
      params: [
        ['u32', firstVec4], ['u32', vec4s], ['u32', chunk.firstPlane * planeSize - chunk.inputBase],
        ['u32', planeSize], ['u32', planes - 1],
      ],
      workgroups: Math.ceil(vec4s / (WORKGROUP_SIZE * variant.VEC4S_PER_INVOCATION!)),
    });
  });
}
