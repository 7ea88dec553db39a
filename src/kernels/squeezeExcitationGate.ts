import code from '../../shaders/squeeze_excitation_gate.wgsl?raw';
import { placeholderBuffer } from '../gpu/buffers.js';
import { launch } from '../gpu/launch.js';
import { ACTIVATIONS, withActivationFunctions, type ActivationName } from './activations.js';

const WORKGROUP_SIZE = 64;
/** The hidden layer lives in workgroup memory: 4 KiB of the 16 KiB every WebGPU device guarantees. */
export const MAX_SE_HIDDEN = 1024;
const kernel = { name: 'squeeze_excitation_gate', code: withActivationFunctions(code) };

export interface DenseLayer {
  /** [in, out]: transposed from PyTorch's layout, as nn.Linear uploads it. */
  weight: GPUBuffer;
  bias: GPUBuffer | null;
  activation: ActivationName;
}

export interface SqueezeExcitationGateLaunch {
  samples: number;
  channels: number;
  hidden: number;
  outChannels: number;
  pooled: GPUBuffer;
  first: DenseLayer;
  second: DenseLayer;
}

/** Records the fused two-layer excitation MLP: one workgroup per sample (hidden ≤ MAX_SE_HIDDEN). */
export function launchSqueezeExcitationGate(device: GPUDevice, work: SqueezeExcitationGateLaunch, gate: GPUBuffer): Promise<void> {
  const placeholder = placeholderBuffer(device);
  return launch(device, {
    kernel,
    constants: {
      WORKGROUP_SIZE,
      MAX_HIDDEN: MAX_SE_HIDDEN,
      HIDDEN_ACTIVATION: ACTIVATIONS[work.first.activation],
      OUTPUT_ACTIVATION: ACTIVATIONS[work.second.activation],
      HAS_HIDDEN_BIAS: work.first.bias ? 1 : 0,
      HAS_OUTPUT_BIAS: work.second.bias ? 1 : 0,
    },
    inputs: [work.pooled, work.first.weight, work.first.bias ?? placeholder, work.second.weight, work.second.bias ?? placeholder],
    output: gate,
    params: [['u32', work.samples], ['u32', work.channels], ['u32', work.hidden], ['u32', work.outChannels]],
    workgroups: work.samples,
  });
}
