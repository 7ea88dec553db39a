// PyTorch 1.13's words for the losses' errors.
import { formatSizes } from '../../core/errors.js';

export const lossMessages = {
  labelSmoothing: (value: number) => `label_smoothing must be between 0.0 and 1.0. Got: ${Number.isInteger(value) ? value.toFixed(1) : value}`,
  batchSize: (input: number, target: number) => `Expected input batch_size (${input}) to match target batch_size (${target}).`,
  weightSize: (classes: number, shape: readonly number[]) =>
    `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${formatSizes(shape)}`,
  targetOutOfBounds: (target: number) => `Target ${target} is out of bounds.`,
  reduction: (value: string) => `${value} is not a valid value for reduction`,
  targetShape: (input: readonly number[], target: readonly number[]) =>
    `only batches of spatial targets supported (3D tensors) but got targets of size: : ${formatSizes(target)} for input ${formatSizes(input)}`,
  probabilityShape: (input: readonly number[], target: readonly number[]) => `Expected target size ${formatSizes(input)}, got ${formatSizes(target)}`,
  inputRank: (rank: number) => `Expected 2 or more dimensions (got ${rank})`,
  mseShape: (input: readonly number[], target: readonly number[]) =>
    `The size of tensor a (${input.at(-1)}) must match the size of tensor b (${target.at(-1)}) at non-singleton dimension ${input.length - 1}`,
};
