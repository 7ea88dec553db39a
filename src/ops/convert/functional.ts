// tensor.to(dtype): float32 ⇄ float16 on the GPU (./kernel.ts), registered with core/tensor.ts when this module loads
// (core imports no op).
import { refuseGrad } from '../../autograd/graph.js';
import { WebGPULayersError } from '../../core/errors.js';
import { tensorHooks } from '../../core/hooks.js';
import type { DType, Tensor } from '../../core/tensor.js';
import { written } from '../produce.js';
import { launchConvert } from './kernel.js';

/** A new tensor of `x`'s values in `dtype` (float32 ⇄ float16; the same dtype gives a copy-free view). */
export function toDtype(x: Tensor<DType>, dtype: 'float32' | 'float16'): Tensor<DType> {
  if (dtype !== 'float32' && dtype !== 'float16')
    throw new WebGPULayersError('invalid-argument', `to(): dtype must be 'float32' or 'float16', but got ${String(dtype)}`);
  if (x.dtype === 'int32') throw new WebGPULayersError('invalid-argument', 'to(): int32 tensors (indices) convert to no float dtype here');
  if (x.dtype === dtype) return x.reshape(x.shape);
  refuseGrad('to() between float32 and float16', [x as Tensor]);
  return written(x.device, x.shape, (out) => launchConvert(x.device, dtype === 'float16', x.size, x.binding, out), dtype);
}

tensorHooks.convert = toDtype;
