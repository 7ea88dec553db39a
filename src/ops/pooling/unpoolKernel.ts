// Max unpooling's kernel (shaders/pooling/max_unpool.wgsl): three stages over the whole tensor, which must fit one
// binding; an index outside its plane is recorded in `status` for the output's read to report.
import unpoolSource from '../../../shaders/pooling/max_unpool.wgsl?raw';
import { WebGPULayersError } from '../../core/errors.js';
import { contextOf } from '../../runtime/context.js';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { product } from './args.js';
import { INPUT_HALVES, WORKGROUP_SIZE } from './kernels.js';
import { poolingMessages as messages } from './messages.js';
import type { UnpoolPlan } from './unpoolPlan.js';

const unpoolSpec: KernelSpec<{ inTotal: 'u32'; outTotal: 'u32'; inVolume: 'u32'; outVolume: 'u32' }> = {
  name: 'max_unpool',
  source: unpoolSource,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'indices', access: 'read', element: 'i32' },
    { name: 'output', access: 'read_write' },
    { name: 'claims', access: 'read_write', element: 'atomic<i32>' },
    { name: 'status', access: 'read_write', element: 'atomic<i32>' },
  ],
  params: { inTotal: 'u32', outTotal: 'u32', inVolume: 'u32', outVolume: 'u32' },
};
const unpoolKernels = { f32: defineKernel(unpoolSpec), f16: defineKernel(withHalves(unpoolSpec, INPUT_HALVES)) };

export interface UnpoolBuffers {
  input: GPUBufferBinding;
  indices: GPUBufferBinding;
  output: GPUBufferBinding;
  /** One i32 per output element, scratch. */
  claims: GPUBufferBinding;
  /** Two i32: the last input position with an invalid index (−1: none), and that index. */
  status: GPUBufferBinding;
}

/** Records max unpooling: three dispatches (shaders/pooling/max_unpool.wgsl). The tensors must fit one binding each. */
export function launchMaxUnpool(device: GPUDevice, plan: UnpoolPlan, buffers: UnpoolBuffers, half = false): Promise<void> {
  const inVolume = product(plan.input);
  const outVolume = product(plan.output);
  const inTotal = plan.planes * inVolume;
  const outTotal = plan.planes * outVolume;
  if (Math.max(inTotal, outTotal) >= 2 ** 31 || outTotal * 4 > contextOf(device).limits.maxStorageBufferBindingSize) {
    throw new WebGPULayersError('too-large', messages.unpoolTooLarge(inTotal, outTotal));
  }
  const bindings = [buffers.input, buffers.indices, buffers.output, buffers.claims, buffers.status];
  const params = { inTotal, outTotal, inVolume, outVolume };
  const stage = (STAGE: number, items: number) =>
    launch(device, half ? unpoolKernels.f16 : unpoolKernels.f32, {
      constants: { WORKGROUP_SIZE, STAGE },
      bindings,
      params,
      workgroups: Math.max(1, Math.ceil(items / WORKGROUP_SIZE)),
    });
  return Promise.all([stage(0, outTotal), stage(1, inTotal), stage(2, inTotal)]).then(() => {});
}
