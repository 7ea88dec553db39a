import source from '../../shaders/max_unpool.wgsl?raw';
import { WebGPULayersError } from '../errors.js';
import { contextOf } from '../gpu/context.js';
import { defineKernel } from '../gpu/kernel.js';
import { launch } from '../gpu/launch.js';
import type { UnpoolPlan } from '../poolNdPlan.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'max_unpool',
  source,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'indices', access: 'read', element: 'i32' },
    { name: 'output', access: 'read_write' },
    { name: 'claims', access: 'read_write', element: 'atomic<i32>' },
    { name: 'status', access: 'read_write', element: 'atomic<i32>' },
  ],
  params: { inTotal: 'u32', outTotal: 'u32', inVolume: 'u32', outVolume: 'u32' },
});

export interface UnpoolBuffers {
  input: GPUBufferBinding;
  indices: GPUBufferBinding;
  output: GPUBufferBinding;
  /** One i32 per output element, scratch. */
  claims: GPUBufferBinding;
  /** Two i32: the last input position with an invalid index (−1: none), and that index. */
  status: GPUBufferBinding;
}

/** Records max unpooling: three dispatches (shaders/max_unpool.wgsl). The tensors must fit one binding each. */
export function launchMaxUnpool(device: GPUDevice, plan: UnpoolPlan, buffers: UnpoolBuffers): Promise<void> {
  const inVolume = plan.input[0] * plan.input[1] * plan.input[2];
  const outVolume = plan.output[0] * plan.output[1] * plan.output[2];
  const inTotal = plan.planes * inVolume;
  const outTotal = plan.planes * outVolume;
  if (Math.max(inTotal, outTotal) >= 2 ** 31 || outTotal * 4 > contextOf(device).limits.maxStorageBufferBindingSize) {
    throw new WebGPULayersError('too-large', `max_unpool of ${inTotal} into ${outTotal} elements does not fit one storage binding of this device`);
  }
  const bindings = [buffers.input, buffers.indices, buffers.output, buffers.claims, buffers.status];
  const params = { inTotal, outTotal, inVolume, outVolume };
  const stage = (STAGE: number, items: number) =>
    launch(device, kernel, { constants: { WORKGROUP_SIZE, STAGE }, bindings, params, workgroups: Math.max(1, Math.ceil(items / WORKGROUP_SIZE)) });
  return Promise.all([stage(0, outTotal), stage(1, inTotal), stage(2, inTotal)]).then(() => {});
}
