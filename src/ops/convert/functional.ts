// tensor.to(dtype): float32 ⇄ float16 on the GPU (./kernel.ts), registered with core/tensor.ts when this module loads
// (core imports no op).
import { record, refuseGrad } from '../../autograd/graph.js';
import { contextOf } from '../../runtime/context.js';
import { launchPermute } from '../permute/kernel.js';
import { WebGPULayersError } from '../../core/errors.js';
import { tensorHooks } from '../../core/hooks.js';
import type { DType, Tensor } from '../../core/tensor.js';
import { channelsLastDims, type MemoryFormat } from '../../core/memoryFormat.js';
import { permute4d } from '../permute/functional.js';
import { written } from '../produce.js';
import { launchConvert } from './kernel.js';

/** A new tensor of `x`'s values in `dtype` (float32 ⇄ float16; the same dtype gives a copy-free view). */
export function toDtype(x: Tensor<DType>, dtype: 'float32' | 'float16'): Tensor<DType> {
  if (dtype !== 'float32' && dtype !== 'float16')
    throw new WebGPULayersError('invalid-argument', `to(): dtype must be 'float32' or 'float16', but got ${String(dtype)}`);
  if (x.dtype === 'int32') throw new WebGPULayersError('invalid-argument', 'to(): int32 tensors (indices) convert to no float dtype here');
  if (x.dtype === dtype) return x.reshape(x.shape);
  refuseGrad('to() between float32 and float16', [x as Tensor]);
  return written(x.device, x.shape, (out) => launchConvert(x.device, dtype === 'float16', x.size, x.binding, out), dtype, x.memoryFormat);
}

/**
 * A new tensor of `x`'s values laid out in `memoryFormat` (tensor.contiguous): channels last is the transpose of each
 * sample's [C, positions] block to [positions, C], and back; one permute kernel. int32 tensors (max pooling's
 * indices) move as 32-bit words. Recorded for backward as PyTorch's CloneBackward0: the values are the same, so the
 * gradient (the engine's are in the logical order) passes through.
 */
export function relayout(x: Tensor<DType>, memoryFormat: MemoryFormat): Tensor<DType> {
  const [samples, channels, positions] = channelsLastDims(x.shape);
  const toLast = memoryFormat !== 'contiguous';
  const from = x.memoryFormat;
  if (toLast && from !== 'contiguous') throw new WebGPULayersError('invalid-argument', `contiguous(): a ${from} tensor cannot be laid out as ${memoryFormat}`);
  // Memory as 4-D: [N, C, S, 1] → [N, S, 1, C] to channels last; [N, S, C, 1] → [N, C, S, 1] back.
  const memoryShape = toLast ? [samples, channels, positions, 1] : [samples, positions, channels, 1];
  const dims = toLast ? ([0, 2, 3, 1] as const) : ([0, 2, 1, 3] as const);
  if (x.dtype === 'int32') {
    void x.buffer; // throws if disposed
    contextOf(x.device).checkUsable();
    return written(x.device, x.shape, (out) => launchPermute(x.device, memoryShape, dims, x.binding, out, 'bits'), 'int32', memoryFormat);
  }
  const source = x.viewAs(memoryShape, 'contiguous') as Tensor;
  let result: Tensor;
  try {
    const moved = permute4d(source, dims); // the view has no grad: nothing recorded;
    result = moved.viewAs(x.shape, memoryFormat);
    moved.dispose();
  } finally {
    source.dispose();
  }
  return record('CloneBackward0', [x as Tensor], result, [], (grad) => [grad.reshape(grad.shape)]);
}

tensorHooks.convert = toDtype;
tensorHooks.relayout = relayout;
