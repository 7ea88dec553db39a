import functions from '../../shaders/activation_functions.wgsl?raw';
import code from '../../shaders/activation.wgsl?raw';
import { launch } from '../gpu/launch.js';

/** Activation ids as the WGSL `activate()` switch reads them (shaders/activation_functions.wgsl). */
export const ACTIVATIONS = { identity: 0, relu: 1, relu6: 2, sigmoid: 3, hardsigmoid: 4, hardswish: 5 } as const;
export type ActivationName = keyof typeof ACTIVATIONS;

/** WGSL that calls `activate()`: the shared functions prepended to the kernel. */
export const withActivationFunctions = (kernelCode: string) => `${functions}\n${kernelCode}`;

const WORKGROUP_SIZE = 64;
const kernel = { name: 'activation', code: withActivationFunctions(code) };

/** Records an elementwise activation over `total` elements. */
export function launchActivation(device: GPUDevice, activation: ActivationName, total: number, input: GPUBuffer, output: GPUBuffer): Promise<void> {
  return launch(device, {
    kernel,
    constants: { WORKGROUP_SIZE, ACTIVATION: ACTIVATIONS[activation] },
    inputs: [input],
    output,
    params: [['u32', total]],
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
