import source from '../../shaders/squeeze_excitation_gate.wgsl?raw';
import { contextOf } from '../gpu/context.js';
import { defineKernel } from '../gpu/kernel.js';
import { launch } from '../gpu/launch.js';
import { ACTIVATIONS, ACTIVATION_FUNCTIONS } from './activations.js';
import type { DenseLayer } from './linear.js';

const WORKGROUP_SIZE = 64;
/** The hidden layer lives in workgroup memory: 4 KiB of the 16 KiB every WebGPU device guarantees. */
export const MAX_SE_HIDDEN = 1024;
const kernel = defineKernel({
  name: 'squeeze_excitation_gate',
  source,
  bindings: [
    { name: 'pooled', access: 'read' },
    { name: 'w1', access: 'read' },
    { name: 'b1', access: 'read' },
    { name: 'w2', access: 'read' },
    { name: 'b2', access: 'read' },
    { name: 'gate', access: 'read_write' },
  ],
  params: { samples: 'u32', channels: 'u32', hidden: 'u32', outChannels: 'u32' }, // hidden ≤ MAX_HIDDEN
  libraries: [ACTIVATION_FUNCTIONS],
});

export interface SqueezeExcitationGateLaunch {
  samples: number;
  channels: number;
  hidden: number;
  outChannels: number;
  pooled: GPUBufferBinding;
  /** Weights [in, out]: transposed from PyTorch's layout, as nn.Linear uploads them. */
  first: DenseLayer<GPUBufferBinding>;
  second: DenseLayer<GPUBufferBinding>;
}

/** Records the fused two-layer excitation MLP: one workgroup per sample (hidden ≤ MAX_SE_HIDDEN). */
export function launchSqueezeExcitationGate(device: GPUDevice, work: SqueezeExcitationGateLaunch, gate: GPUBufferBinding): Promise<void> {
  const placeholder = { buffer: contextOf(device).placeholder() };
  return launch(device, kernel, {
    constants: {
      WORKGROUP_SIZE,
      MAX_HIDDEN: MAX_SE_HIDDEN,
      HIDDEN_ACTIVATION: ACTIVATIONS[work.first.activation],
      OUTPUT_ACTIVATION: ACTIVATIONS[work.second.activation],
      HAS_HIDDEN_BIAS: work.first.bias ? 1 : 0,
      HAS_OUTPUT_BIAS: work.second.bias ? 1 : 0,
    },
    bindings: [work.pooled, work.first.weight, work.first.bias ?? placeholder, work.second.weight, work.second.bias ?? placeholder, gate],
    params: { samples: work.samples, channels: work.channels, hidden: work.hidden, outChannels: work.outChannels },
    workgroups: work.samples,
  });
}
