// Records one kernel dispatch: the pipeline from the cache, the params uniform from the params cache, the
// bindings in the kernel's declared order (inputs, outputs, then params), and a grid folded to fit the device.
import { WebGPULayersError } from '../core/errors.js';
import { contextOf } from './context.js';
import type { ChunkOffsets, Kernel, ParamFields, ParamValues } from './kernel.js';
import { getPipeline, pipelineKey, type OverrideConstants } from './pipelines.js';
import { nextTimestampWrites } from './profiler.js';

export interface KernelLaunch<F extends ParamFields> {
  constants: OverrideConstants;
  /** Windows of buffers, in the kernel's binding order (a piece of a large tensor: planeChunks.ts). */
  bindings: GPUBufferBinding[];
  params: ParamValues<F> & ChunkOffsets;
  /**
   * Workgroups wanted. A number: a 1-D grid, folded into 2-D past the device's limit (shaders rebuild the
   * index with the prelude's workgroupIndex / workItem). A pair [x, rows]: rows are folded into y and z
   * (the prelude's gridRow).
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
    throw new WebGPULayersError('too-large', `${workgroups} workgroups exceed this device's ${maxPerDimension}² grid`);
  }
  return [maxPerDimension, rows];
}

function gridOf(workgroups: number | [number, number], maxPerDimension: number): [number, number, number] {
  if (typeof workgroups === 'number') return [...foldGrid(workgroups, maxPerDimension), 1];
  const [x, rows] = workgroups;
  if (x > maxPerDimension) throw new WebGPULayersError('too-large', `${x} workgroups exceed this device's ${maxPerDimension} per dimension`);
  return [x, ...foldGrid(rows, maxPerDimension)];
}

export function launch<F extends ParamFields>(device: GPUDevice, kernel: Kernel<F>, work: KernelLaunch<F>): Promise<void> {
  const context = contextOf(device);
  const { maxComputeWorkgroupsPerDimension, maxStorageBufferBindingSize } = context.limits;
  const grid = gridOf(work.workgroups, maxComputeWorkgroupsPerDimension);
  if (work.bindings.length !== kernel.bindingCount) {
    throw new Error(`webgpu-layers: kernel ${kernel.name} takes ${kernel.bindingCount} storage bindings, but was given ${work.bindings.length}`);
  }
  for (const { buffer, size } of work.bindings) {
    const bytes = size ?? buffer.size;
    if (bytes > maxStorageBufferBindingSize) {
      throw new WebGPULayersError(
        'too-large',
        `${kernel.name} would bind ${bytes} bytes, more than this device's maxStorageBufferBindingSize (${maxStorageBufferBindingSize} bytes)`,
      );
    }
  }
  const key = pipelineKey(kernel as Kernel<never>, work.constants);
  const pipeline = getPipeline(context, kernel as Kernel<never>, work.constants, key);
  const params = context.params.get(kernel, kernel.pack(work.params));
  const timestampWrites = context.profile ? nextTimestampWrites(context.profile) : undefined;
  context.counts.dispatches++;
  return context.batch.record({
    kind: 'dispatch',
    pipeline,
    pipelineKey: key,
    bindings: [...work.bindings, { buffer: params }],
    grid,
    ...(timestampWrites && { timestampWrites }),
  });
}
