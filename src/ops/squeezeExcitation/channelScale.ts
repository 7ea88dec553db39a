import source from '../../../shaders/squeezeExcitation/channel_scale.wgsl?raw';
import { quadsPerInvocation } from '../../core/memoryFormat.js';
import { defineKernel, type KernelSpec, type ParamFields, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { launchInChunks } from '../../runtime/planeChunks.js';
import { defineStrategies, strategyConstants } from '../../runtime/strategies.js';

const WORKGROUP_SIZE = 64;
/**
 * Channels last on software adapters: positions an invocation (shaders/squeezeExcitation/channel_scale.wgsl,
 * scalePositions). Micro-timed on llvmpipe [8,256,56,56]: 1 → 13.7 ms, 2 → 8.4, 4 → 7.2, 8 → 7.0 (NCHW 9.5);
 * [8,1024,14,14]: 4 → 1.7, 8 → 2.3.
 */
const POSITIONS_PER_INVOCATION = 4;
export const CHANNEL_SCALE_STRATEGIES = defineStrategies('channel_scale', { vec4: { VEC4S_PER_INVOCATION: 1 }, run16: { VEC4S_PER_INVOCATION: 4 } });

const spec = {
  name: 'channel_scale',
  source,
  bindings: [
    { name: 'x', access: 'read', element: 'vec4<f32>' },
    { name: 'gate', access: 'read' },
    { name: 'gate4', access: 'read', element: 'vec4<f32>' }, // the gate again, four channels a load (channels last)
    { name: 'y', access: 'read_write', element: 'vec4<f32>' },
  ],
  params: {
    firstVec4: 'u32', // the first vec4 of the window that holds an element of this piece
    vec4s: 'u32', // how many vec4s hold its elements
    windowStart: 'u32', // the tensor element at the window's start (a multiple of 64: offsets are aligned)
    planeSize: 'u32',
    lastPlane: 'u32', // the tensor's last plane: clamps the gate index of padding past the end
    channels: 'u32', // CHANNELS_LAST: the channels of a position
  },
} as const satisfies KernelSpec<ParamFields>;
// float16: x and the gate read as halves, y written as halves (each invocation stores whole vec4s: two words).
const kernels = { f32: defineKernel(spec), f16: defineKernel(withHalves(spec, { reads: ['x', 'gate', 'gate4'], writes: ['y'] })) };

/**
 * The gate's binding as whole vec4s: its size rounded up to 16 bytes, inside its buffer (buffers are allocated in
 * 16-byte multiples), so that the last four channels are one vec4.
 */
function asVec4s(gate: GPUBufferBinding): GPUBufferBinding {
  const offset = gate.offset ?? 0;
  const size = gate.size ?? gate.buffer.size - offset;
  return { buffer: gate.buffer, offset, size: Math.min(Math.ceil(size / 16) * 16, gate.buffer.size - offset) };
}

/** Records y = x · gate, one gate value per planeSize-long (n, c) map, as vec4s (shaders/squeezeExcitation/channel_scale.wgsl). */
export function launchChannelScale(
  device: GPUDevice,
  planes: number,
  planeSize: number,
  x: GPUBufferBinding,
  gate: GPUBufferBinding,
  y: GPUBufferBinding,
  half = false,
  channelsLast: { channels: number } | null = null,
): Promise<void> {
  const strategy = strategyConstants(device, 'channel_scale');
  const constants = { WORKGROUP_SIZE, ...strategy, CHANNELS_LAST: channelsLast ? 1 : 0 };
  // Channels last: pieces of whole samples (a sample's planes are interleaved).
  const group = channelsLast?.channels ?? 1;
  const kernel = half ? kernels.f16 : kernels.f32;
  const gate4 = asVec4s(gate);
  const elementBytes = half ? 2 : 4;
  // Software adapters (runs of vec4s). Channels last with channels % 4 == 0: scalePositions, up to 8 vec4s of
  // channels an invocation so that 8 neighbours cover a position of up to 256 channels (as the global pool).
  const quads = group / 4;
  // Contiguous, planes of whole vec4s of at least a block (8 invocations' vec4s; smaller planes would idle lanes):
  // scalePlane, the gate loaded once an invocation.
  const lined = channelsLast ? group % 4 === 0 : planeSize % 4 === 0 && planeSize >= 4 * 8 * POSITIONS_PER_INVOCATION;
  const positions = lined && strategy.VEC4S_PER_INVOCATION! > 1 ? POSITIONS_PER_INVOCATION : 0;
  const perInvocation = quadsPerInvocation(quads);
  return launchInChunks(
    device,
    planes / group,
    planeSize * group,
    planeSize * group,
    x,
    y,
    (chunk) => {
      // x and y have the same plane size, so their windows coincide: the piece's elements are
      // [base, base + count) of each window, covered by whole vec4s.
      const count = chunk.planes * planeSize * group;
      if (positions > 0 && chunk.inputBase % 4 === 0) {
        const vec4s = count / 4;
        return launch(device, kernel, {
          constants: { ...constants, POSITIONS_PER_INVOCATION: positions, QUADS_PER_INVOCATION: perInvocation },
          bindings: [chunk.input, gate, gate4, chunk.output],
          params: { firstVec4: chunk.inputBase / 4, vec4s, windowStart: chunk.firstPlane, planeSize, lastPlane: planes - 1, channels: group },
          workgroups: Math.ceil(
            (channelsLast
              ? chunk.planes * Math.ceil(planeSize / positions) * (quads / perInvocation)
              : chunk.planes * Math.ceil(planeSize / 4 / (8 * positions)) * 8) / WORKGROUP_SIZE,
          ),
        });
      }
      const firstVec4 = Math.floor(chunk.inputBase / 4);
      const vec4s = Math.ceil((chunk.inputBase + count) / 4) - firstVec4;
      return launch(device, kernel, {
        constants,
        bindings: [chunk.input, gate, gate4, chunk.output],
        params: { firstVec4, vec4s, windowStart: chunk.firstPlane * planeSize * group - chunk.inputBase, planeSize, lastPlane: planes - 1, channels: group },
        workgroups: Math.ceil(vec4s / (WORKGROUP_SIZE * strategy.VEC4S_PER_INVOCATION!)),
      });
    },
    { inputElementBytes: elementBytes, outputElementBytes: elementBytes },
  );
}
