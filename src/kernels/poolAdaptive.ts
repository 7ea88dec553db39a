import source from '../../shaders/pool_adaptive.wgsl?raw';
import windows from '../../shaders/adaptive_windows.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { checkLoop } from '../gpu/loopLimit.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import type { AdaptivePlan } from '../poolNdPlan.js';
import { defineIndexedPool } from './indexedPool.js';

const WORKGROUP_SIZE = 64;
const params = { total: 'u32', inD: 'u32', inH: 'u32', inW: 'u32', outD: 'u32', outH: 'u32', outW: 'u32' } as const;
const { plain, withIndices } = defineIndexedPool('pool_adaptive', source, params, [windows]);

/** The shader's window arithmetic stays inside u32 while in·out < 2³² in each dimension. */
export function adaptiveWindowsFitU32(plan: AdaptivePlan): boolean {
  return plan.input.every((size, i) => size * plan.output[i]! < 2 ** 32);
}

/** Records adaptive average or max pooling: one invocation per output element (callers check adaptiveWindowsFitU32). */
export function launchAdaptivePool(device: GPUDevice, plan: AdaptivePlan, input: GPUBufferBinding, output: GPUBufferBinding, indices: GPUBufferBinding | null): Promise<void> {
  // The largest window is ceil(in / out) + 1 long in each dim.
  const window = plan.input.map((size, i) => Math.min(size, Math.ceil(size / Math.max(plan.output[i]!, 1)) + 1));
  checkLoop(device, `adaptive_${plan.mode}_pool`, window[0]! * window[1]! * window[2]!, `windows of up to ${window.join('×')}`);
  const [inD, inH, inW] = plan.input;
  const [outD, outH, outW] = plan.output;
  const outVolume = outD * outH * outW;
  return launchInChunks(device, plan.planes, inD * inH * inW, outVolume, input, output, (chunk) => {
    const total = chunk.planes * outVolume;
    return launch(device, indices ? withIndices : plain, {
      constants: { WORKGROUP_SIZE, MODE: plan.mode === 'max' ? 1 : 0 },
      bindings: [chunk.input, chunk.output, ...chunk.extraOutputs],
      params: { total, inD, inH, inW, outD, outH, outW, inputBase: chunk.inputBase, outputBase: chunk.outputBase },
      workgroups: Math.ceil(total / WORKGROUP_SIZE),
    });
  }, { extraOutputs: indices ? [indices] : [] });
}
