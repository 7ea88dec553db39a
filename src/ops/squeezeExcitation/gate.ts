import source from '../../../shaders/squeezeExcitation/squeeze_excitation_gate.wgsl?raw';
import { contextOf } from '../../runtime/context.js';
import { defineKernel, type KernelSpec, type ParamFields, withHalves, workgroupArraySize } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { ACTIVATIONS, ACTIVATION_FUNCTIONS } from '../activation/kernel.js';
import { defineStrategies } from '../../runtime/strategies.js';
import type { DenseLayer } from '../linear/kernel.js';

// The SE excitation over a small global pool: one dispatch that pools and runs the MLP, or the pool first.
export const SQUEEZE_EXCITATION_STRATEGIES = defineStrategies('squeeze_excitation', { fused: { POOL_INPUT: 1 }, split: { POOL_INPUT: 0 } });

const WORKGROUP_SIZE = 64;
/** The hidden layer lives in workgroup memory: at most 4 KiB of the 16 KiB every WebGPU device guarantees (sized per hidden size). */
export const MAX_SE_HIDDEN = 1024;
/** With the "fused" strategy the pooled channels live there too: at most 8 KiB more (sized per channel count). */
export const MAX_FUSED_CHANNELS = 2048;
/**
 * The fused strategy runs one workgroup per sample over its whole input: worth it for small maps (MobileNetV3's
 * 7×7 SE blocks), not for a [256, 56, 56] map, which the split strategy pools with a workgroup per map.
 */
export const MAX_FUSED_ELEMENTS = 65_536;
const spec = {
  name: 'squeeze_excitation_gate',
  source,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'w1', access: 'read' },
    { name: 'b1', access: 'read' },
    { name: 'w2', access: 'read' },
    { name: 'b2', access: 'read' },
    { name: 'gate', access: 'read_write' },
  ],
  params: {
    samples: 'u32',
    channels: 'u32',
    hidden: 'u32', // ≤ MAX_HIDDEN
    outChannels: 'u32',
    planeSize: 'u32', // POOL_INPUT: elements of each map
    divisor: 'f32', // POOL_INPUT: what each map's sum is divided by
  },
  libraries: [ACTIVATION_FUNCTIONS],
} as const satisfies KernelSpec<ParamFields>;
// float16: the input and the weights read as halves; the gate written f32 (one value per invocation), converted after.
const kernels = { f32: defineKernel(spec), f16: defineKernel(withHalves(spec, { reads: ['input', 'w1', 'b1', 'w2', 'b2'] })) };

export interface SqueezeExcitationGateLaunch {
  samples: number;
  channels: number;
  hidden: number;
  outChannels: number;
  /** Pooled values [samples, channels], or with `pool` the maps [samples, channels, planeSize] to pool first. */
  input: GPUBufferBinding;
  /** Pool the input in the same dispatch (the fused strategy): each map's size and divisor. */
  pool: { planeSize: number; divisor: number } | null;
  /** Weights [in, out]: transposed from PyTorch's layout, as nn.Linear uploads them. */
  first: DenseLayer<GPUBufferBinding>;
  second: DenseLayer<GPUBufferBinding>;
  /** The input and the weights hold float16 values (the `_f16` kernel). */
  half: boolean;
}

/** Records the fused two-layer excitation MLP: one workgroup per sample (hidden ≤ MAX_SE_HIDDEN). */
export function launchSqueezeExcitationGate(device: GPUDevice, work: SqueezeExcitationGateLaunch, gate: GPUBufferBinding): Promise<void> {
  const placeholder = { buffer: contextOf(device).placeholder() };
  return launch(device, work.half ? kernels.f16 : kernels.f32, {
    constants: {
      WORKGROUP_SIZE,
      MAX_HIDDEN: workgroupArraySize(work.hidden),
      HIDDEN_ACTIVATION: ACTIVATIONS[work.first.activation],
      OUTPUT_ACTIVATION: ACTIVATIONS[work.second.activation],
      HAS_HIDDEN_BIAS: work.first.bias ? 1 : 0,
      HAS_OUTPUT_BIAS: work.second.bias ? 1 : 0,
      POOL_INPUT: work.pool ? 1 : 0,
      MAX_CHANNELS: work.pool ? workgroupArraySize(work.channels) : 1,
    },
    bindings: [work.input, work.first.weight, work.first.bias ?? placeholder, work.second.weight, work.second.bias ?? placeholder, gate],
    params: {
      samples: work.samples,
      channels: work.channels,
      hidden: work.hidden,
      outChannels: work.outChannels,
      planeSize: work.pool?.planeSize ?? 0,
      divisor: work.pool?.divisor ?? 1,
    },
    workgroups: work.samples,
  });
}
