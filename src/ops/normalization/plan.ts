// Batch norm's checks and geometry, shared by the GPU op and the CPU reference: torch 1.13's F.batch_norm messages.
import { TorchError } from '../../core/errors.js';

export interface BatchNormOptions<T = unknown> {
  /** Per-channel scale (PyTorch's `weight`, γ); null or absent: 1. */
  weight?: T | null;
  /** Per-channel shift (β); null or absent: 0. */
  bias?: T | null;
  /** Batch statistics (and, with running buffers, their update) rather than the running ones (default false). */
  training?: boolean;
  /** The running statistics' update factor (default 0.1). */
  momentum?: number;
  eps?: number;
}

export interface BatchNormPlan {
  batch: number;
  channels: number;
  /** The spatial positions (H·W, or 1 for (N, C) input), as rows × width for the kernels' nested loops. */
  rows: number;
  width: number;
  positions: number;
  total: number;
  /** Values per channel: N · positions. */
  count: number;
}

export const normalizationMessages = {
  runningSize: (name: string, expected: number, got: number) => `${name} should contain ${expected} elements not ${got}`,
  oneValue: (shape: readonly number[]) => `Expected more than 1 value per channel when training, got input size torch.Size([${shape.join(', ')}])`,
  inputRank: (expected: string, rank: number) => `expected ${expected} input (got ${rank}D input)`,
};

/** The plan of F.batch_norm on `shape` (N, C, *), with the sizes of its per-channel tensors checked. */
export function planBatchNorm(
  shape: readonly number[],
  perChannel: { runningMean?: number | null; runningVar?: number | null; weight?: number | null; bias?: number | null },
  training: boolean,
): BatchNormPlan {
  if (!training && (perChannel.runningMean == null || perChannel.runningVar == null)) {
    throw new TorchError(`${perChannel.runningMean == null ? 'running_mean' : 'running_var'} must be defined in evaluation mode`);
  }
  // A 1-D input has no channel dim: PyTorch then reports its per-channel tensors against 0 channels.
  const [batch = 0, channels = 0] = shape;
  const spatial = shape.slice(2);
  const positions = spatial.reduce((a, b) => a * b, 1);
  const width = spatial.at(-1) ?? 1;
  for (const [name, size] of [
    ['running_mean', perChannel.runningMean],
    ['running_var', perChannel.runningVar],
    ['weight', perChannel.weight],
    ['bias', perChannel.bias],
  ] as const) {
    if (size != null && size !== channels) throw new TorchError(normalizationMessages.runningSize(name, channels, size));
  }
  if (shape.length < 2) throw new TorchError(`batch_norm: expected an input of at least 2 dimensions (N, C, *), but got [${shape.join(', ')}]`);
  if (training && batch * positions <= 1) throw new TorchError(normalizationMessages.oneValue(shape), 'ValueError');
  return { batch, channels, rows: width > 0 ? positions / width : 0, width, positions, total: batch * channels * positions, count: batch * positions };
}
