import functions from '../../../shaders/activation/activation_functions.wgsl?raw';
import source from '../../../shaders/activation/activation.wgsl?raw';
import backwardSource from '../../../shaders/activation/activation_backward.wgsl?raw';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { launchInChunks } from '../../runtime/planeChunks.js';

/** Activation ids as the WGSL `activate()` switch reads them (shaders/activation/activation_functions.wgsl). */
export const ACTIVATIONS = { identity: 0, relu: 1, relu6: 2, sigmoid: 3, hardsigmoid: 4, hardswish: 5 } as const;
export type ActivationName = keyof typeof ACTIVATIONS;

/** The WGSL library that defines `activate()`, for kernels that fuse an activation. */
export const ACTIVATION_FUNCTIONS = functions;

const WORKGROUP_SIZE = 64;
/** Four elements an invocation (vec4s; float16: two words of halves, which the invocation owns: no conversion after). */
const spec: KernelSpec<{ total: 'u32' }> = {
  name: 'activation',
  source,
  bindings: [
    { name: 'input', access: 'read', element: 'vec4<f32>' },
    { name: 'output', access: 'read_write', element: 'vec4<f32>' },
  ],
  params: { total: 'u32' },
  chunked: true,
  libraries: [
    functions,
    'fn activateValue(v: vec4f) -> vec4f {\n  return vec4f(activate(v.x, ACTIVATION), activate(v.y, ACTIVATION), activate(v.z, ACTIVATION), activate(v.w, ACTIVATION));\n}',
  ],
};
const kernels = { f32: defineKernel(spec), f16: defineKernel(withHalves(spec, { reads: ['input'], writes: ['output'] })) };

/**
 * Records an elementwise activation over `total` elements, four an invocation: past the end, the last invocation
 * writes the output's padding (kit-made outputs are 16-byte multiples) from the input's, which must be bound to a
 * whole vec4 (Tensor.padded).
 */
export function launchActivation(
  device: GPUDevice,
  activation: ActivationName,
  total: number,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  half = false,
): Promise<void> {
  // Vec4s are "planes" of one value, so a tensor larger than one binding runs in pieces.
  const elementBytes = half ? 8 : 16;
  return launchInChunks(
    device,
    Math.ceil(total / 4),
    1,
    1,
    input,
    output,
    (chunk) =>
      launch(device, half ? kernels.f16 : kernels.f32, {
        constants: { WORKGROUP_SIZE, ACTIVATION: ACTIVATIONS[activation] },
        bindings: [chunk.input, chunk.output],
        params: { total: chunk.planes, inputBase: chunk.inputBase, outputBase: chunk.outputBase },
        workgroups: Math.ceil(chunk.planes / WORKGROUP_SIZE),
      }),
    { inputElementBytes: elementBytes, outputElementBytes: elementBytes },
  );
}

const backwardKernel = defineKernel({
  name: 'activation_backward',
  source: backwardSource,
  bindings: [
    { name: 'x', access: 'read' },
    { name: 'grad', access: 'read' },
    { name: 'gradInput', access: 'read_write' },
  ],
  params: { total: 'u32' },
  libraries: [functions],
});

/** Records an activation's gradient from its input x and the output gradient (one binding each: not split). */
export function launchActivationBackward(
  device: GPUDevice,
  activation: ActivationName,
  total: number,
  x: GPUBufferBinding,
  grad: GPUBufferBinding,
  gradInput: GPUBufferBinding,
): Promise<void> {
  return launch(device, backwardKernel, {
    constants: { WORKGROUP_SIZE, ACTIVATION: ACTIVATIONS[activation] },
    bindings: [x, grad, gradInput],
    params: { total },
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}
