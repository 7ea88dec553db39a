// tensor.to(dtype): float32 ⇄ float16 on the GPU (shaders/convert/convert.wgsl), registered with core/tensor.ts
// when this module loads (core imports no op).
import source from '../../../shaders/convert/convert.wgsl?raw';
import { refuseGrad } from '../../autograd/graph.js';
import { WebGPULayersError } from '../../core/errors.js';
import { tensorHooks } from '../../core/hooks.js';
import type { DType, Tensor } from '../../core/tensor.js';
import { written } from '../produce.js';
import { defineKernel } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'convert',
  source,
  bindings: [
    { name: 'input', access: 'read', element: 'u32' },
    { name: 'output', access: 'read_write', element: 'u32' },
  ],
  params: { total: 'u32' },
});

/** A new tensor of `x`'s values in `dtype` (float32 ⇄ float16; the same dtype gives a copy-free view). */
export function toDtype(x: Tensor<DType>, dtype: 'float32' | 'float16'): Tensor<DType> {
  if (dtype !== 'float32' && dtype !== 'float16')
    throw new WebGPULayersError('invalid-argument', `to(): dtype must be 'float32' or 'float16', but got ${String(dtype)}`);
  if (x.dtype === 'int32') throw new WebGPULayersError('invalid-argument', 'to(): int32 tensors (indices) convert to no float dtype here');
  if (x.dtype === dtype) return x.reshape(x.shape);
  refuseGrad('to() between float32 and float16', [x as Tensor]);
  return written(
    x.device,
    x.shape,
    (out) =>
      launch(x.device, kernel, {
        constants: { WORKGROUP_SIZE, TO_HALF: dtype === 'float16' ? 1 : 0 },
        bindings: [x.binding, out],
        params: { total: x.size },
        workgroups: Math.ceil(Math.ceil(x.size / 2) / WORKGROUP_SIZE),
      }),
    dtype,
  );
}

tensorHooks.convert = toDtype;
