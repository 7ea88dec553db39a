import source from '../../shaders/adaptive_avg_pool2d.wgsl?raw';
import windows from '../../shaders/adaptive_windows.wgsl?raw';
import { defineKernel } from '../gpu/kernel.js';
import { launch } from '../gpu/launch.js';
import { launchInChunks, type PlaneChunk } from '../gpu/planeChunks.js';
import { strategyWithinLoopLimit } from '../gpu/strategies.js';
import type { PlaneGeometry } from '../poolingPlan.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'adaptive_avg_pool2d',
  source,
  bindings: [{ name: 'input', access: 'read' }, { name: 'output', access: 'read_write' }],
  // total: work items, planes · outH · ⌈outW / OUTPUTS_PER_INVOCATION⌉
  params: { total: 'u32', inH: 'u32', inW: 'u32', outH: 'u32', outW: 'u32' },
  chunked: true,
  libraries: [windows],
});

/** The shader's window arithmetic stays inside u32 while in·out < 2³² in each dimension. */
export function adaptiveFitsU32(plan: PlaneGeometry): boolean {
  return plan.inH * plan.outH < 2 ** 32 && plan.inW * plan.outW < 2 ** 32;
}

/**
 * Records adaptive_avg_pool2d: one invocation per output element or run of them (callers check
 * `adaptiveFitsU32` first).
 */
export function launchAdaptiveAvgPool2d(device: GPUDevice, plan: PlaneGeometry, input: GPUBufferBinding, output: GPUBufferBinding): Promise<void> {
  // The window loops run once per window element and output of the run; the largest window is
  // ceil(in / out) + 1 rows and columns at most.
  const windowArea = Math.min(plan.inH, Math.ceil(plan.inH / plan.outH) + 1) * Math.min(plan.inW, Math.ceil(plan.inW / plan.outW) + 1);
  const { constants } = strategyWithinLoopLimit(device, 'adaptive_avg_pool2d', (c) => windowArea * Math.min(plan.outW, c.OUTPUTS_PER_INVOCATION!), `windows of up to ${windowArea} elements`);
  return launchInChunks(device, plan.planes, plan.inH * plan.inW, plan.outH * plan.outW, input, output, (chunk) => launchChunk(device, plan, chunk, constants));
}

function launchChunk(device: GPUDevice, plan: PlaneGeometry, chunk: PlaneChunk, strategy: Record<string, number>): Promise<void> {
  const total = chunk.planes * plan.outH * Math.ceil(plan.outW / strategy.OUTPUTS_PER_INVOCATION!);
  return launch(device, kernel, {
    constants: { WORKGROUP_SIZE, ...strategy },
    bindings: [chunk.input, chunk.output],
    params: { total, inH: plan.inH, inW: plan.inW, outH: plan.outH, outW: plan.outW, inputBase: chunk.inputBase, outputBase: chunk.outputBase },
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
