// Random pooling configurations that PyTorch accepts: primes, 1-sized dims, output larger than input,
// ceil-mode edges, every count_include_pad / divisor_override combination, 3-D and 4-D inputs.
import type { AdaptiveOutputSize, AvgPool2dOptions, IntOrPair } from '../../src/index.js';
import { reference } from '../../src/index.js';
import type { Random } from './random.js';

export type PoolingConfig =
  | { op: 'avg_pool2d'; shape: number[]; kernelSize: IntOrPair; options: AvgPool2dOptions }
  | { op: 'adaptive_avg_pool2d'; shape: number[]; outputSize: AdaptiveOutputSize };

const SIZES = [1, 2, 3, 5, 7, 8, 11, 13, 16, 17, 23];

function randomShape(random: Random): number[] {
  const spatial = [random.pick(SIZES), random.pick(SIZES)];
  const channels = random.int(1, 6);
  return random.chance(0.25) ? [channels, ...spatial] : [random.int(1, 3), channels, ...spatial];
}

const maybePair = (random: Random, a: number, b: number): IntOrPair => (a === b && random.chance(0.5) ? a : [a, b]);

function randomAvgPool(random: Random, shape: number[]): PoolingConfig {
  const [h, w] = shape.slice(-2) as [number, number];
  const kH = random.int(1, Math.min(h + 2, 7));
  const kW = random.int(1, Math.min(w + 2, 7));
  const options: AvgPool2dOptions = {
    stride: random.chance(0.3) ? null : maybePair(random, random.int(1, 4), random.int(1, 4)),
    padding: maybePair(random, random.int(0, Math.floor(kH / 2)), random.int(0, Math.floor(kW / 2))),
    ceilMode: random.chance(0.5),
    countIncludePad: random.chance(0.5),
    divisorOverride: random.chance(0.3) ? random.pick([-3, 1, 2, 5, 9]) : null,
  };
  return { op: 'avg_pool2d', shape, kernelSize: maybePair(random, kH, kW), options };
}

function randomAdaptive(random: Random, shape: number[]): PoolingConfig {
  const [h, w] = shape.slice(-2) as [number, number];
  const size = (input: number) => (random.chance(0.15) ? null : random.int(1, 2 * input + 1)); // output > input too
  const outputSize: AdaptiveOutputSize = random.chance(0.2) ? random.int(1, Math.max(h, w) + 2) : [size(h), size(w)];
  return { op: 'adaptive_avg_pool2d', shape, outputSize };
}

/** A random configuration PyTorch accepts (resampled until the reference's checks pass). */
export function randomPoolingConfig(random: Random): PoolingConfig {
  for (;;) {
    const shape = randomShape(random);
    const config = random.chance(0.6) ? randomAvgPool(random, shape) : randomAdaptive(random, shape);
    try {
      runReferenceConfig(config, new Float32Array(shape.reduce((a, b) => a * b, 1)));
      return config;
    } catch {
      // e.g. "Output size is too small": PyTorch rejects it, so draw again
    }
  }
}

export function runReferenceConfig(config: PoolingConfig, data: Float32Array) {
  return config.op === 'avg_pool2d'
    ? reference.avgPool2d(data, config.shape, config.kernelSize, config.options)
    : reference.adaptiveAvgPool2d(data, config.shape, config.outputSize);
}
