import code from '../../shaders/linear.wgsl?raw';
import { placeholderBuffer } from '../gpu/buffers.js';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import { variantWithinLoopLimit } from '../gpu/variants.js';
import { ACTIVATIONS, withActivationFunctions, type ActivationName } from './activations.js';

const WORKGROUP_SIZE = 64;
const kernel = { name: 'linear', code: withActivationFunctions(code) };

export interface LinearLaunch {
  rows: number;
  inFeatures: number;
  outFeatures: number;
  x: GPUBuffer;
  weight: GPUBuffer;
  bias: GPUBuffer | null;
  activation: ActivationName;
  /** The weight is stored [inFeatures, outFeatures] (nn.Linear's device layout) rather than PyTorch's. */
  weightTransposed: boolean;
}

/**
 * Records y = activation(x · Wᵀ + b): one invocation per output feature (or four) and block of rows; an x or
 * y larger than one binding runs in pieces of rows.
 */
export function launchLinear(device: GPUDevice, work: LinearLaunch, y: GPUBuffer): Promise<void> {
  // The inner loop runs once per input feature (per 4 when they come as vec4s) and row of the block.
  const steps = work.inFeatures % 4 === 0 ? work.inFeatures / 4 : work.inFeatures;
  const { constants: variant } = variantWithinLoopLimit(device, 'linear', (c) => steps * c.ROWS_PER_INVOCATION!, `${work.inFeatures} input features`);
  // Four features per invocation where the strategy asks for it and the weight rows are whole vec4s.
  const features = variant.FOUR_FEATURES && work.weightTransposed && work.outFeatures % 4 === 0 ? 4 : 1;
  return launchInChunks(device, work.rows, work.inFeatures, work.outFeatures, work.x, y, (chunk) => launch(device, {
    kernel,
    constants: {
      WORKGROUP_SIZE,
      ACTIVATION: ACTIVATIONS[work.activation],
      HAS_BIAS: work.bias ? 1 : 0,
      WEIGHT_TRANSPOSED: work.weightTransposed ? 1 : 0,
      ...variant,
      FOUR_FEATURES: features === 4 ? 1 : 0,
    },
    inputs: [chunk.input, work.weight, work.bias ?? placeholderBuffer(device)],
    output: chunk.output,
    params: [
      ['u32', chunk.planes], ['u32', work.inFeatures], ['u32', work.outFeatures],
      ['u32', chunk.inputBase], ['u32', chunk.outputBase],
    ],
    workgroups: [Math.ceil(work.outFeatures / features / WORKGROUP_SIZE), Math.ceil(chunk.planes / variant.ROWS_PER_INVOCATION!)],
  }), 'row of x or y');
}
