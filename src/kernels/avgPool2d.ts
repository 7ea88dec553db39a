import code from '../../shaders/avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';
import type { AvgPool2dPlan } from '../poolingPlan.js';

const WORKGROUP_SIZE = 64;

/** Records avg_pool2d: one invocation per output element. */
export function launchAvgPool2d(device: GPUDevice, plan: AvgPool2dPlan, input: GPUBuffer, output: GPUBuffer): Promise<void> {
  const total = plan.planes * plan.outH * plan.outW;
  return launch(device, {
    kernel: { name: 'avg_pool2d', code },
    constants: { WORKGROUP_SIZE },
    inputs: [input],
    output,
    params: [
      ['u32', total],
      ['i32', plan.inH], ['i32', plan.inW],
      ['i32', plan.outH], ['i32', plan.outW],
      ['i32', plan.kernelH], ['i32', plan.kernelW],
      ['i32', plan.strideH], ['i32', plan.strideW],
      ['i32', plan.padH], ['i32', plan.padW],
      ['u32', plan.countIncludePad ? 1 : 0],
      ['i32', plan.divisorOverride ?? 0],
    ],
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
