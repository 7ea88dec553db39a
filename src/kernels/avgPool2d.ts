import source from '../../shaders/avg_pool2d.wgsl?raw';
import { defineKernel } from '../gpu/kernel.js';
import { launch } from '../gpu/launch.js';
import { launchInChunks, type PlaneChunk } from '../gpu/planeChunks.js';
import { strategyWithinLoopLimit } from '../gpu/strategies.js';
import type { AvgPool2dPlan } from '../poolingPlan.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'avg_pool2d',
  source,
  bindings: [{ name: 'input', access: 'read' }, { name: 'output', access: 'read_write' }],
  params: {
    total: 'u32', // work items: planes · outH · ⌈outW / OUTPUTS_PER_INVOCATION⌉
    inH: 'i32', inW: 'i32',
    outH: 'i32', outW: 'i32',
    kernelH: 'i32', kernelW: 'i32',
    strideH: 'i32', strideW: 'i32',
    padH: 'i32', padW: 'i32',
    countIncludePad: 'u32',
    divisorOverride: 'f32', // PyTorch's int64 divisor, as a float: 0 means none
  },
  chunked: true,
});

/** Records avg_pool2d: one invocation per output element (in pieces of planes when the tensors are large). */
export function launchAvgPool2d(device: GPUDevice, plan: AvgPool2dPlan, input: GPUBufferBinding, output: GPUBufferBinding): Promise<void> {
  // The window loops run once per window element and output of the invocation's run.
  const windowArea = Math.min(plan.kernelH, plan.inH) * Math.min(plan.kernelW, plan.inW);
  const { constants } = strategyWithinLoopLimit(device, 'avg_pool2d', (c) => windowArea * Math.min(plan.outW, c.OUTPUTS_PER_INVOCATION!), `windows of ${windowArea} elements`);
  return launchInChunks(device, plan.planes, plan.inH * plan.inW, plan.outH * plan.outW, input, output, (chunk) => launchChunk(device, plan, chunk, constants));
}

function launchChunk(device: GPUDevice, plan: AvgPool2dPlan, chunk: PlaneChunk, strategy: Record<string, number>): Promise<void> {
  const total = chunk.planes * plan.outH * Math.ceil(plan.outW / strategy.OUTPUTS_PER_INVOCATION!);
  return launch(device, kernel, {
    constants: { WORKGROUP_SIZE, ...strategy },
    bindings: [chunk.input, chunk.output],
    params: {
      total,
      inH: plan.inH, inW: plan.inW,
      outH: plan.outH, outW: plan.outW,
      kernelH: plan.kernelH, kernelW: plan.kernelW,
      // A stride past in + 2·pad leaves one window, whose start it does not affect: clamp it into i32.
      strideH: Math.min(plan.strideH, plan.inH + 2 * plan.padH + 1), strideW: Math.min(plan.strideW, plan.inW + 2 * plan.padW + 1),
      padH: plan.padH, padW: plan.padW,
      countIncludePad: plan.countIncludePad ? 1 : 0,
      divisorOverride: plan.divisorOverride ?? 0,
      inputBase: chunk.inputBase,
      outputBase: chunk.outputBase,
    },
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
