// Records one kernel dispatch: pipeline from the cache, a params uniform, a bind group in the order
// inputs, output, params (as every shader declares them), and a grid folded to fit the device's limits.
import { createUniformBuffer } from './buffers.js';
import { record, releaseAfterSubmit } from './commandBatch.js';
import { deviceState } from './deviceState.js';
import { activeProfile, nextTimestampWrites } from './profiler.js';
import { getPipeline, type KernelDescriptor, type OverrideConstants } from './pipelines.js';
import { packParams, type ParamField } from './uniforms.js';

export interface KernelLaunch {
  kernel: KernelDescriptor;
  constants: OverrideConstants;
  /** Buffers, or windows of them (a piece of a tensor larger than one binding: planeChunks.ts). */
  inputs: (GPUBuffer | GPUBufferBinding)[];
  output: GPUBuffer | GPUBufferBinding;
  params: ParamField[];
  /**
   * Workgroups wanted. A number: a 1-D grid, folded into 2-D past the device's limit (shaders rebuild the
   * index as workgroup_id.x + workgroup_id.y * num_workgroups.x). A pair [x, rows]: rows are folded into
   * y and z (shaders rebuild the row as workgroup_id.y + workgroup_id.z * num_workgroups.y).
   */
  workgroups: number | [number, number];
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

function gridOf(workgroups: KernelLaunch['workgroups'], maxPerDimension: number): [number, number, number] {
  if (typeof workgroups === 'number') return [...foldGrid(workgroups, maxPerDimension), 1];
  const [x, rows] = workgroups;
  if (x > maxPerDimension) throw new RangeError(`webgpu-layers: ${x} workgroups exceed this device's ${maxPerDimension} per dimension`);
  return [x, ...foldGrid(rows, maxPerDimension)];
}

export function launch(device: GPUDevice, work: KernelLaunch): Promise<void> {
  const [x, y, z] = gridOf(work.workgroups, device.limits.maxComputeWorkgroupsPerDimension);
  const pipeline = getPipeline(device, work.kernel, work.constants);
  const storage = [...work.inputs, work.output].map((b): GPUBufferBinding => ('buffer' in b ? b : { buffer: b }));
  for (const { buffer, size } of storage) {
    const bytes = size ?? buffer.size;
    if (bytes > device.limits.maxStorageBufferBindingSize) {
      throw new RangeError(
        `webgpu-layers: ${work.kernel.name} would bind ${bytes} bytes, more than this device's maxStorageBufferBindingSize (${device.limits.maxStorageBufferBindingSize} bytes)`,
      );
    }
  }
  const params = createUniformBuffer(device, packParams(work.params), `${work.kernel.name} params`);
  const bindings = [...storage, { buffer: params }];
  const profile = activeProfile(device); // measureGpuTime is open: this pass writes timestamps
  const timestampWrites = profile && nextTimestampWrites(profile);
  const submitted = record(device, pipeline, (encoder, computePipeline) => {
    const bindGroup = device.createBindGroup({
      label: work.kernel.name,
      layout: computePipeline!.getBindGroupLayout(0),
      entries: bindings.map((resource, binding) => ({ binding, resource })),
    });
    const pass = encoder.beginComputePass({ label: work.kernel.name, ...(timestampWrites && { timestampWrites }) });
    pass.setPipeline(computePipeline!);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
  });
  releaseAfterSubmit(device, params);
  deviceState(device).dispatches++;
  return submitted;
}
