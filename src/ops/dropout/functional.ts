// F.dropout: in training, each element kept with probability 1 − p and scaled by 1/(1 − p), else zeroed; PyTorch's
// NativeDropoutBackward0 applies the same mask to the gradient. The mask is a hash of (seed, index) with the seed
// drawn from the kit's generator (manualSeed makes it reproducible) and uploaded per call, so a captured forward is
// never replayed with an old mask, and the backward regenerates the mask instead of storing it.
import source from '../../../shaders/dropout/dropout.wgsl?raw';
import { record } from '../../autograd/graph.js';
import { TorchError } from '../../core/errors.js';
import { nextUint32 } from '../../core/random.js';
import { sameAsContiguous } from '../../core/memoryFormat.js';
import { Tensor } from '../../core/tensor.js';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { checkInputs, produce, written } from '../produce.js';

const WORKGROUP_SIZE = 64;
const spec: KernelSpec<{ total: 'u32'; dropThreshold: 'u32'; dropAll: 'u32'; scale: 'f32' }> = {
  name: 'dropout',
  source,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'seed', access: 'read', element: 'u32' },
    { name: 'output', access: 'read_write' },
  ],
  params: { total: 'u32', dropThreshold: 'u32', dropAll: 'u32', scale: 'f32' },
};
const kernels = { f32: defineKernel(spec), f16: defineKernel(withHalves(spec, { reads: ['input'] })) };

export interface DropoutOptions {
  /** The probability of an element to be zeroed (default 0.5). */
  p?: number;
  /** Apply dropout (default true, as F.dropout); false returns the input's values (a view). */
  training?: boolean;
}

/** PyTorch's check of p (a ValueError). */
export function checkDropoutProbability(p: number): number {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${p}`, 'ValueError');
  return p;
}

function launchDropout(device: GPUDevice, total: number, p: number, input: GPUBufferBinding, seed: Tensor<'int32'>, output: GPUBufferBinding, half: boolean) {
  return launch(device, half ? kernels.f16 : kernels.f32, {
    constants: { WORKGROUP_SIZE },
    bindings: [input, seed.binding, output],
    params: { total, dropThreshold: Math.min(2 ** 32 - 1, Math.floor(p * 2 ** 32)), dropAll: p === 1 ? 1 : 0, scale: p === 1 ? 0 : 1 / (1 - p) },
    workgroups: Math.ceil(total / WORKGROUP_SIZE),
  });
}

/** PyTorch's `F.dropout(x, p, training)`: input (*) → output (*), same shape and layout. */
export function dropout(x: Tensor, { p = 0.5, training = true }: DropoutOptions = {}): Tensor {
  checkDropoutProbability(p);
  if (!training) {
    checkInputs('dropout', [x], { halves: 'convert', layouts: 'elementwise' });
    return x.reshape(x.shape); // the identity, as a new view (a view records ViewBackward0 when x requires grad)
  }
  const seed = Tensor.fromArray(x.device, Int32Array.of(nextUint32() | 0), [1]);
  try {
    const y = produce('dropout', [x], x.shape, (input, output, dtype) => launchDropout(x.device, x.size, p, input, seed, output, dtype === 'float16'), {
      halves: 'convert',
      layouts: 'elementwise',
    });
    // The mask is the seed's over x's memory order: the backward runs the same kernel on the gradient laid out as x
    // (the engine's gradients are in the logical order), then back.
    const format = x.memoryFormat;
    return record('NativeDropoutBackward0', [x], y, [seed as unknown as Tensor], (grad, _needs, [savedSeed]) => {
      const laid = sameAsContiguous(x.shape, format) ? grad : grad.contiguous(format);
      const masked = written(
        grad.device,
        grad.shape,
        (out) => launchDropout(grad.device, grad.size, p, laid.binding, savedSeed as unknown as Tensor<'int32'>, out, false),
        'float32',
        laid.memoryFormat,
      );
      if (laid === grad) return [masked];
      laid.dispose();
      const logical = masked.contiguous();
      masked.dispose();
      return [logical];
    });
  } finally {
    seed.dispose();
  }
}
