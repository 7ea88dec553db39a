import source from '../../../shaders/permute/permute.wgsl?raw';
import halvesSource from '../../../shaders/permute/permute_halves.wgsl?raw';
import sourceIndex from '../../../shaders/permute/permute_index.wgsl?raw';
import { defineKernel, type KernelSpec, type ParamFields, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { fitsOneBinding, launchInChunks } from '../../runtime/planeChunks.js';

const WORKGROUP_SIZE = 64;
const spec = {
  name: 'permute',
  source,
  bindings: [
    { name: 'input', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: {
    total: 'u32',
    size1: 'u32',
    size2: 'u32',
    size3: 'u32', // the output's sizes (size0 follows from total)
    stride0: 'u32',
    stride1: 'u32',
    stride2: 'u32',
    stride3: 'u32', // input strides, in output dimension order
  },
  chunked: true,
  libraries: [sourceIndex],
} as const satisfies KernelSpec<ParamFields>;
const words = spec.bindings.map((b) => ({ ...b, element: 'u32' as const }));
// f16: reads halves, writes f32 (an element per invocation), converted after. halves: moves halves as they are, a
// word of two an invocation. bits: moves 32-bit words untouched (int32 indices, whose small values are f32 subnormals
// a GPU may flush).
const kernels = {
  f32: defineKernel(spec),
  f16: defineKernel(withHalves(spec, { reads: ['input'] })),
  halves: defineKernel({ ...spec, name: 'permute_halves', source: halvesSource, bindings: words }),
  bits: defineKernel({ ...spec, name: 'permute_bits', bindings: words }),
};

/**
 * Whether a float16 permute of this 4-D shape moves its halves as they are (`halves`): every piece's output starts on
 * a word (samples of an even size, or one piece), else it widens to f32 (`f16`), converted after.
 */
export function permuteMovesHalves(device: GPUDevice, shape: readonly number[], dims: readonly number[]): boolean {
  const inner = shape[1]! * shape[2]! * shape[3]!;
  return dims[0] !== 0 || inner % 2 === 0 || fitsOneBinding(device, shape[0]!, inner * 2, inner * 2);
}

/** What a permute moves: f32 values, halves (widened to f32 on the way, or as they are) or 32-bit words as they are. */
export type PermuteElement = keyof typeof kernels;

/**
 * Records y = x.permute(dims) for a 4-D x of `shape` (a copy, not a view). A permute that keeps dim 0 first runs in
 * pieces of it over a tensor larger than one binding (NCHW ⇄ NHWC, channels last ⇄ contiguous).
 */
export function launchPermute(
  device: GPUDevice,
  shape: readonly number[],
  dims: readonly number[],
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  element: PermuteElement = 'f32',
): Promise<void> {
  const strides = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
  const inner = strides[0]!;
  const [s0, s1, s2, s3] = dims.map((d) => strides[d]!) as [number, number, number, number];
  const kernel = kernels[element];
  const record = (total: number, chunk: { input: GPUBufferBinding; output: GPUBufferBinding; inputBase: number; outputBase: number }) => {
    return launch(device, kernel, {
      constants: { WORKGROUP_SIZE },
      bindings: [chunk.input, chunk.output],
      params: {
        total,
        size1: shape[dims[1]!]!,
        size2: shape[dims[2]!]!,
        size3: shape[dims[3]!]!,
        stride0: s0,
        stride1: s1,
        stride2: s2,
        stride3: s3,
        inputBase: chunk.inputBase,
        outputBase: chunk.outputBase,
      },
      workgroups: Math.ceil((element === 'halves' ? Math.ceil(total / 2) : total) / WORKGROUP_SIZE),
    });
  };
  if (dims[0] !== 0) return record(shape[0]! * inner, { input, output, inputBase: 0, outputBase: 0 });
  return launchInChunks(device, shape[0]!, inner, inner, input, output, (chunk) => record(chunk.planes * inner, chunk), {
    planeName: 'sample',
    inputElementBytes: element === 'f16' || element === 'halves' ? 2 : 4,
    outputElementBytes: element === 'halves' ? 2 : 4,
  });
}
