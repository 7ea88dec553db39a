// The global average pool (shaders/pooling/global_avg_pool*.wgsl): the reduction that whole-map average windows and
// 1×1 adaptive pools take, at every rank and in both layouts; a workgroup per plane on GPUs, an invocation per plane
// (vec4 loads) on software adapters, as autotune finds.
import globalSource from '../../../shaders/pooling/global_avg_pool.wgsl?raw';
import globalVec4Source from '../../../shaders/pooling/global_avg_pool_vec4.wgsl?raw';
import { quadsPerInvocation } from '../../core/memoryFormat.js';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { loopFits } from '../../runtime/loopLimit.js';
import { launchInChunks } from '../../runtime/planeChunks.js';
import { defineStrategies, strategyWithinLoopLimit } from '../../runtime/strategies.js';
import { byDtype, INPUT_HALVES, WORKGROUP_SIZE } from './kernels.js';

/** "workgroup": a workgroup per plane with a tree reduction (GPUs); "invocation": an invocation per plane (software adapters). */
export const GLOBAL_STRATEGIES = defineStrategies('global_avg_pool', { workgroup: { STRATEGY: 0 }, invocation: { STRATEGY: 1 } });

const globalSpec: KernelSpec<{ planes: 'u32'; planeSize: 'u32'; channels: 'u32'; divisor: 'f32' }> = {
  name: 'global_avg_pool',
  source: globalSource,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: {
    planes: 'u32',
    planeSize: 'u32', // the pooled volume: H·W (D·H·W)
    channels: 'u32', // CHANNELS_LAST: the channels of a sample
    divisor: 'f32', // the volume, or the average pool's divisor of a window covering the whole volume
  },
  chunked: true,
};
const globalKernels = { f32: defineKernel(globalSpec), f16: defineKernel(withHalves(globalSpec, INPUT_HALVES)) };
/** The invocation strategy reading vec4s (four halves a load for float16), where the layout's vec4s line up. */
const globalVec4Spec: KernelSpec<typeof globalSpec.params> = {
  ...globalSpec,
  name: 'global_avg_pool_vec4',
  source: globalVec4Source,
  bindings: [{ name: 'input', access: 'read', element: 'vec4<f32>' }, globalSpec.bindings[1]!],
};
const globalVec4Kernels = { f32: defineKernel(globalVec4Spec), f16: defineKernel(withHalves(globalVec4Spec, INPUT_HALVES)) };

/**
 * Records a global average pool: each plane of `planeSize` → sum / divisor, in the device's chosen strategy.
 * `channelsLast`: the input is [samples, planeSize, channels] (its planes are sample · channels + channel).
 */
export function launchGlobalAvgPool(
  device: GPUDevice,
  planes: number,
  planeSize: number,
  divisor: number,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  half = false,
  channelsLast: { channels: number } | null = null,
): Promise<void> {
  const { kernels, inputElementBytes } = byDtype(globalKernels, half);
  // Channels last: pieces of whole samples (a sample's planes are interleaved).
  const group = channelsLast?.channels ?? 1;
  // Loop lengths: an invocation per plane (or per channels-last vec4s) takes 4 values (positions) an iteration; a
  // workgroup's invocations, 1 in 64.
  const { strategy, constants } = strategyWithinLoopLimit(
    device,
    'global_avg_pool',
    (_, s) => Math.ceil(planeSize / (s === 'invocation' || channelsLast ? 4 : WORKGROUP_SIZE)),
    `a ${planeSize}-element plane`,
  );
  // Four values a load where they line up: four channels of a position, or four elements of a plane (the invocation
  // strategy's order; the workgroup strategy strides its reads across invocations, as GPUs want).
  const vec4 = channelsLast ? group % 4 === 0 : strategy === 'invocation' && planeSize % 4 === 0;
  // Channels last on software adapters (the invocation strategy): up to 8 vec4s of channels an invocation, so that 8
  // neighbouring invocations read whole positions (shaders/pooling/global_avg_pool_vec4.wgsl), in workgroups of a
  // sample's invocations (8 to 64). GPUs: one vec4 an invocation, workgroups of 64.
  const quads = group / 4;
  const perInvocation = strategy === 'invocation' ? quadsPerInvocation(quads) : 1;
  const channelsLastGroup = strategy === 'invocation' ? Math.min(WORKGROUP_SIZE, Math.max(8, quads / perInvocation)) : WORKGROUP_SIZE;
  return launchInChunks(
    device,
    planes / group,
    planeSize * group,
    group,
    input,
    output,
    (chunk) => {
      const chunkPlanes = chunk.planes * group;
      const params = { planes: chunkPlanes, planeSize, channels: group, divisor, inputBase: chunk.inputBase, outputBase: chunk.outputBase };
      if (vec4 && chunk.inputBase % 4 === 0) {
        const size = channelsLast ? channelsLastGroup : WORKGROUP_SIZE;
        return launch(device, half ? globalVec4Kernels.f16 : globalVec4Kernels.f32, {
          constants: {
            WORKGROUP_SIZE: size,
            CHANNELS_LAST: channelsLast ? 1 : 0,
            QUADS_PER_INVOCATION: channelsLast ? perInvocation : 1,
            POSITIONS_PER_ITERATION: loopFits(device, planeSize) ? 1 : 4,
          },
          bindings: [chunk.input, chunk.output],
          params,
          workgroups: Math.ceil((channelsLast ? chunkPlanes / 4 / perInvocation : chunkPlanes) / size),
        });
      }
      return launch(device, kernels, {
        constants: { WORKGROUP_SIZE, ...constants, CHANNELS_LAST: channelsLast ? 1 : 0 },
        bindings: [chunk.input, chunk.output],
        params,
        workgroups: strategy === 'workgroup' && !channelsLast ? chunkPlanes : Math.ceil(chunkPlanes / WORKGROUP_SIZE),
      });
    },
    { inputElementBytes },
  );
}
