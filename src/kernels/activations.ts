import functions from '../../shaders/activation_functions.wgsl?raw';
import code from '../../shaders/activation.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';

/** Activation ids as the WGSL `activate()` switch reads them (shaders/activation_functions.wgsl). */
export const ACTIVATIONS = { identity: 0, relu: 1, relu6: 2, sigmoid: 3, hardsigmoid: 4, hardswish: 5 } as const;
export type ActivationName = keyof typeof ACTIVATIONS;

/** WGSL that calls `activate()`: the shared functions prepended to the kernel. */
export const withActivationFunctions = (kernelCode: string) => `${functions}\n${kernelCode}`;

const WORKGROUP_SIZE = 64;
const kernel = { name: 'activation', code: withActivationFunctions(code) };

/** Records an elementwise activation over `total` elements. */
export function launchActivation(device: GPUDevice, activation: ActivationName, total: number, input: GPUBuffer, output: GPUBuffer): Promise<void> {
  // Elements are "planes" of one value, so a tensor larger than one binding runs in pieces.
  return launchInChunks(device, total, 1, 1, input, output, (chunk) =>
    launch(device, {
      kernel,
      constants: { WORKGROUP_SIZE, ACTIVATION: ACTIVATIONS[activation] },
      inputs: [chunk.input],
      output: chunk.output,
      params: [['u32', chunk.planes], ['u32', chunk.inputBase], ['u32', chunk.outputBase]],
      workgroups: Math.ceil(chunk.planes / WORKGROUP_SIZE),
    }),
  );
}
