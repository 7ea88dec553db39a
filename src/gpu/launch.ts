// Records one kernel dispatch: pipeline from the cache, a params uniform, a bind group in the order
// inputs, output, params (as every shader declares them), and a grid folded to fit the device's limits.
import { createUniformBuffer } from './buffers.js';
import { record, releaseAfterSubmit } from './commandBatch.js';
import { deviceState } from './deviceState.js';
import { getPipeline, type KernelDescriptor, type OverrideConstants } from './pipelines.js';
import { packParams, type ParamField } from './uniforms.js';

export interface KernelLaunch {
  kernel: KernelDescriptor;
  constants: OverrideConstants;
  inputs: GPUBuffer[];
  output: GPUBuffer;
  params: ParamField[];
  /** Workgroups wanted; shaders rebuild the linear index as workgroup_id.x + workgroup_id.y * num_workgroups.x. */
  workgroups: number;
}

/**
 * Folds a 1-D count of workgroups into a 2-D grid when it exceeds `maxComputeWorkgroupsPerDimension`
 * (65,535 by default), so large tensors are never silently truncated.
 */
export function foldGrid(workgroups: number, maxPerDimension: number): [number, number] {
  if (workgroups <= maxPerDimension) return [workgroups, 1];
  const rows = Math.ceil(workgroups / maxPerDimension);
  if (rows > maxPerDimension) {
    throw new RangeError(`webgpu-layers: ${workgroups} workgroups exceed this device's ${maxPerDimension}² grid`);
  }
  return [maxPerDimension, rows];
}

export function launch(device: GPUDevice, work: KernelLaunch): Promise<void> {
  const [x, y] = foldGrid(work.workgroups, device.limits.maxComputeWorkgroupsPerDimension);
  const pipeline = getPipeline(device, work.kernel, work.constants);
  const params = createUniformBuffer(device, packParams(work.params), `${work.kernel.name} params`);
  const buffers = [...work.inputs, work.output, params];
  const submitted = record(device, pipeline, (encoder, computePipeline) => {
    const bindGroup = device.createBindGroup({
      label: work.kernel.name,
      layout: computePipeline!.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const pass = encoder.beginComputePass({ label: work.kernel.name });
    pass.setPipeline(computePipeline!);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  });
  releaseAfterSubmit(device, params);
  deviceState(device).dispatches++;
  return submitted;
}
