// Pooling kernels that may also write indices (max pooling's argmax): two kernels from one WGSL body, one with an
// int32 `indices` output after `output` and one without. The body calls `storeIndex(at, index)`, which the first
// defines as a write and the second as nothing, so the values-only kernel binds and writes no indices buffer.
import { defineKernel, type Kernel, type ParamFields } from '../gpu/kernel.js';

export interface IndexedPoolKernels<F extends ParamFields> {
  plain: Kernel<F>;
  withIndices: Kernel<F>;
}

export function defineIndexedPool<const F extends ParamFields>(name: string, source: string, params: F, libraries: readonly string[] = []): IndexedPoolKernels<F> {
  const bindings = [{ name: 'input', access: 'read' }, { name: 'output', access: 'read_write' }] as const;
  return {
    plain: defineKernel({ name, source, bindings, params, chunked: true, libraries: [...libraries, 'fn storeIndex(at: u32, index: i32) {}'] }),
    withIndices: defineKernel({
      name: `${name}_indices`,
      source,
      bindings: [...bindings, { name: 'indices', access: 'read_write', element: 'i32' }],
      params,
      chunked: true,
      libraries: [...libraries, 'fn storeIndex(at: u32, index: i32) { indices[at] = index; }'],
    }),
  };
}
