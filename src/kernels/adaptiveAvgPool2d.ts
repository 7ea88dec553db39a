import code from '../../shaders/adaptive_avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { variantWithinLoopLimit } from '../gpu/variants.js';
import { launchInChunks, type PlaneChunk } from '../gpu/planeChunks.js';
import type { PlaneGeometry } from '../poolingPlan.js';

const WORKGROUP_SIZE = 64;

/** The shader's window arithmetic stays inside u32 while in·out < 2³² in each dimension. */
export function adaptiveFitsU32(plan: PlaneGeometry): boolean {
  return plan.inH * plan.outH < 2 ** 32 && plan.inW * plan.outW < 2 ** 32;
}

/**
 * Records adaptive_avg_pool2d: one invocation per output element or run of them (callers check
 * `adaptiveFitsU32` first).
 */
export function launchAdaptiveAvgPool2d(device: GPUDevice, plan: PlaneGeometry, input: GPUBuffer, output: GPUBuffer): Promise<void> {
  // The window loops run once per window element and output of the run; the largest window is
  // ceil(in / out) + 1 rows and columns at most.
  const windowArea = Math.min(plan.inH, Math.ceil(plan.inH / plan.outH) + 1) * Math.min(plan.inW, Math.ceil(plan.inW / plan.outW) + 1);
  const { constants } = variantWithinLoopLimit(device, 'adaptive_avg_pool2d', (c) => windowArea * Math.min(plan.outW, c.OUTPUTS_PER_INVOCATION!), `windows of up to ${windowArea} elements`);
  return launchInChunks(device, plan.planes, plan.inH * plan.inW, plan.outH * plan.outW, input, output, (chunk) => launchChunk(device, plan, chunk, constants));
}

function launchChunk(device: GPUDevice, plan: PlaneGeometry, chunk: PlaneChunk, variant: Record<string, number>): Promise<void> {
  const total = chunk.planes * plan.outH * Math.ceil(plan.outW / variant.OUTPUTS_PER_INVOCATION!);
  return launch(device, {
    kernel: { name: 'adaptive_avg_pool2d', code },
    constants: { WORKGROUP_SIZE, ...variant },
    inputs: [chunk.input],
    output: chunk.output,
    params: [
      ['u32', total], ['u32', plan.inH], ['u32', plan.inW], ['u32', plan.outH], ['u32', plan.outW],
      ['u32', chunk.inputBase], ['u32', chunk.outputBase],
    ],
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
