import code from '../../shaders/adaptive_avg_pool2d.wgsl?raw';
import { launch } from '../gpu/launch.js';
import type { PlaneGeometry } from '../poolingPlan.js';

const WORKGROUP_SIZE = 64;

/** The shader's window arithmetic stays inside u32 while in·out < 2³² in each dimension. */
export function adaptiveFitsU32(plan: PlaneGeometry): boolean {
  return plan.inH * plan.outH < 2 ** 32 && plan.inW * plan.outW < 2 ** 32;
}

/** Records adaptive_avg_pool2d: one invocation per output element (callers check `adaptiveFitsU32` first). */
export function launchAdaptiveAvgPool2d(device: GPUDevice, plan: PlaneGeometry, input: GPUBuffer, output: GPUBuffer): Promise<void> {
  const total = plan.planes * plan.outH * plan.outW;
  return launch(device, {
    kernel: { name: 'adaptive_avg_pool2d', code },
    constants: { WORKGROUP_SIZE },
    inputs: [input],
    output,
    params: [['u32', total], ['u32', plan.inH], ['u32', plan.inW], ['u32', plan.outH], ['u32', plan.outW]],
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
