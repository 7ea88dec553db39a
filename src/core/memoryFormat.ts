// PyTorch's memory formats: how a tensor's logical (N, C, H, W) or (N, C, D, H, W) elements lie in memory.
// 'contiguous' is row-major in the logical order; 'channelsLast' stores N, H, W, C ('channelsLast3d': N, D, H, W, C),
// so the channels of one position are neighbours. The shape stays logical either way, as in PyTorch.
import { TorchError } from './errors.js';

export type MemoryFormat = 'contiguous' | 'channelsLast' | 'channelsLast3d';

const RANKS = { channelsLast: 4, channelsLast3d: 5 } as const;
const TORCH_NAMES = { channelsLast: 'channels_last', channelsLast3d: 'channels_last_3d' } as const;

/** Throws PyTorch's error unless `format` is a memory format that `shape` can have. */
export function checkMemoryFormat(format: unknown, shape: readonly number[]): MemoryFormat {
  if (format === 'contiguous') return format;
  if (format !== 'channelsLast' && format !== 'channelsLast3d') {
    throw new TorchError(`memory format must be 'contiguous', 'channelsLast' or 'channelsLast3d', but got ${String(format)}`);
  }
  if (shape.length !== RANKS[format]) throw new TorchError(`required rank ${RANKS[format]} tensor to use ${TORCH_NAMES[format]} format`);
  return format;
}

/** (samples, channels, positions) of a channels-last shape: memory is [samples, positions, channels]. */
export function channelsLastDims(shape: readonly number[]): [number, number, number] {
  const positions = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[0]!, shape[1]!, positions];
}

/**
 * Whether a tensor of `shape` lies the same in `format` as contiguous (PyTorch counts such a tensor as both): one
 * channel, or one position per sample (a pooled [N, C, 1, 1]).
 */
export function sameAsContiguous(shape: readonly number[], format: MemoryFormat): boolean {
  if (format === 'contiguous') return true;
  const [, channels, positions] = channelsLastDims(shape);
  return channels === 1 || positions === 1;
}

/** `data` of a channels-last `shape` from memory order (N, positions, C) to the logical order (N, C, positions), or back. */
export function permuteChannels<T extends Float32Array | Int32Array>(data: T, shape: readonly number[], toLogical: boolean): T {
  const [samples, channels, positions] = channelsLastDims(shape);
  const out = new (data.constructor as new (length: number) => T)(data.length);
  for (let n = 0; n < samples; n++) {
    const base = n * channels * positions;
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < positions; p++) {
        const logical = base + c * positions + p;
        const memory = base + p * channels + c;
        if (toLogical) out[logical] = data[memory]!;
        else out[memory] = data[logical]!;
      }
    }
  }
  return out;
}

/**
 * Vec4s of four channels an invocation, for the channels-last kernels of software adapters (the global pool, the SE
 * scale): up to 8, as long as a position keeps 8 invocations, so that the 8 neighbouring invocations a software
 * adapter runs together cover whole positions of up to 256 channels. `quads` is channels / 4.
 */
export function quadsPerInvocation(quads: number): number {
  return [8, 4, 2].find((q) => quads % q === 0 && quads / q >= 8) ?? 1;
}
