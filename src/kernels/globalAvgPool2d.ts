import source from '../../shaders/global_avg_pool2d.wgsl?raw';
import { defineKernel } from '../gpu/kernel.js';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import { strategyWithinLoopLimit } from '../gpu/strategies.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'global_avg_pool2d',
  source,
  bindings: [{ name: 'input', access: 'read' }, { name: 'output', access: 'read_write' }],
  params: {
    planes: 'u32',
    planeSize: 'u32', // inH · inW
    divisor: 'f32', // inH · inW, or the AvgPool2d divisor of a window covering the whole map
  },
  chunked: true,
});

/** Records a global average pool: each inH×inW plane → sum / divisor, in the device's chosen strategy. */
export function launchGlobalAvgPool2d(
  device: GPUDevice,
  planes: number,
  planeSize: number,
  divisor: number,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
): Promise<void> {
  // Loop lengths: an invocation per plane reads 4 values an iteration; a workgroup's invocations, 1 in 64.
  const { strategy, constants } = strategyWithinLoopLimit(device, 'global_avg_pool2d', (_, s) => Math.ceil(planeSize / (s === 'invocation' ? 4 : WORKGROUP_SIZE)), `a ${planeSize}-element plane`);
  return launchInChunks(device, planes, planeSize, 1, input, output, (chunk) =>
    launch(device, kernel, {
      constants: { WORKGROUP_SIZE, ...constants },
      bindings: [chunk.input, chunk.output],
      params: { planes: chunk.planes, planeSize, divisor, inputBase: chunk.inputBase, outputBase: chunk.outputBase },
      // "workgroup": a workgroup per plane; "invocation": an invocation per plane.
      workgroups: strategy === 'workgroup' ? chunk.planes : Math.ceil(chunk.planes / WORKGROUP_SIZE),
    }),
  );
}
