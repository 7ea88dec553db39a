import code from '../../shaders/avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { variantWithinLoopLimit } from '../gpu/variants.js';
import { launchInChunks, type PlaneChunk } from '../gpu/planeChunks.js';
import type { AvgPool2dPlan } from '../poolingPlan.js';

const WORKGROUP_SIZE = 64;

/** Records avg_pool2d: one invocation per output element (in pieces of planes when the tensors are large). */
export function launchAvgPool2d(device: GPUDevice, plan: AvgPool2dPlan, input: GPUBuffer, output: GPUBuffer): Promise<void> {
  // The window loops run once per window element and output of the invocation's run.
  const windowArea = Math.min(plan.kernelH, plan.inH) * Math.min(plan.kernelW, plan.inW);
  const { constants } = variantWithinLoopLimit(device, 'avg_pool2d', (c) => windowArea * Math.min(plan.outW, c.OUTPUTS_PER_INVOCATION!), `windows of ${windowArea} elements`);
  return launchInChunks(device, plan.planes, plan.inH * plan.inW, plan.outH * plan.outW, input, output, (chunk) => launchChunk(device, plan, chunk, constants));
}

function launchChunk(device: GPUDevice, plan: AvgPool2dPlan, chunk: PlaneChunk, variant: Record<string, number>): Promise<void> {
  const total = chunk.planes * plan.outH * Math.ceil(plan.outW / variant.OUTPUTS_PER_INVOCATION!);
  return launch(device, {
    kernel: { name: 'avg_pool2d', code },
    constants: { WORKGROUP_SIZE, ...variant },
    inputs: [chunk.input],
    output: chunk.output,
    params: [
      ['u32', total],
      ['i32', plan.inH], ['i32', plan.inW],
      ['i32', plan.outH], ['i32', plan.outW],
      ['i32', plan.kernelH], ['i32', plan.kernelW],
      // A stride past in + 2·pad leaves one window, whose start it does not affect: clamp it into i32.
      ['i32', Math.min(plan.strideH, plan.inH + 2 * plan.padH + 1)], ['i32', Math.min(plan.strideW, plan.inW + 2 * plan.padW + 1)],
      ['i32', plan.padH], ['i32', plan.padW],
      ['u32', plan.countIncludePad ? 1 : 0],
      ['f32', plan.divisorOverride ?? 0],
      ['u32', chunk.inputBase],
      ['u32', chunk.outputBase],
    ],
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
