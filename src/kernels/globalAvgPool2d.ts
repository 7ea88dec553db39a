import code from '../../shaders/global_avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import { variantWithinLoopLimit } from '../gpu/variants.js';

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
  // Loop lengths: an invocation per plane reads 4 values an iteration; a workgroup's invocations, 1 in 64.
  const { variant, constants } = variantWithinLoopLimit(device, 'global_avg_pool2d', (_, v) => Math.ceil(planeSize / (v === 'invocation' ? 4 : WORKGROUP_SIZE)), `a ${planeSize}-element plane`);
  return launchInChunks(device, planes, planeSize, 1, input, output, (chunk) =>
    launch(device, {
      kernel: { name: 'global_avg_pool2d', code },
      constants: { WORKGROUP_SIZE, ...constants },
      inputs: [chunk.input],
      output: chunk.output,
      params: [['u32', chunk.planes], ['u32', planeSize], ['f32', divisor], ['u32', chunk.inputBase], ['u32', chunk.outputBase]],
      // "workgroup": a workgroup per plane; "invocation": an invocation per plane.
      workgroups: variant === 'workgroup' ? chunk.planes : Math.ceil(chunk.planes / WORKGROUP_SIZE),
    }),
  );
}
