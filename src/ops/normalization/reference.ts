// Batch norm on the CPU, forward and backward side by side, in f32 steps as the kernels run them (row sums first).
import { type BatchNormPlan, planBatchNorm } from './plan.js';

/** Per-channel means and biased variances of x (N, C, S) contiguous: [means..., variances...]. */
export function batchNormStats(x: Float32Array, plan: BatchNormPlan): Float32Array {
  const { batch, channels, rows, width, positions, count } = plan;
  const stats = new Float32Array(2 * channels);
  const sumOver = (c: number, f: (v: number) => number) => {
    let total = 0;
    for (let n = 0; n < batch; n++)
      for (let r = 0; r < rows; r++) {
        let row = 0;
        for (let w = 0; w < width; w++) row = Math.fround(row + f(x[(n * channels + c) * positions + r * width + w]!));
        total = Math.fround(total + row);
      }
    return total;
  };
  for (let c = 0; c < channels; c++) {
    const mean = Math.fround(sumOver(c, (v) => v) / count);
    stats[c] = mean;
    stats[channels + c] = Math.fround(sumOver(c, (v) => Math.fround((v - mean) * (v - mean))) / count);
  }
  return stats;
}

export interface BatchNormReferenceOptions {
  weight?: Float32Array | null;
  bias?: Float32Array | null;
  runningMean?: Float32Array | null;
  runningVar?: Float32Array | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * y = (x − mean)/sqrt(var + eps)·w + b with the batch's statistics (training, or no running buffers) or the running
 * ones; in training the running buffers are updated in place (unbiased variance). Returns y and the statistics used.
 */
export function batchNorm(x: Float32Array, plan: BatchNormPlan, options: BatchNormReferenceOptions = {}): { output: Float32Array; stats: Float32Array } {
  const { weight = null, bias = null, runningMean = null, runningVar = null, momentum = 0.1, eps = 1e-5 } = options;
  const batchStats = (options.training ?? false) || !runningMean || !runningVar;
  const { channels, positions } = plan;
  let stats: Float32Array;
  if (batchStats) {
    stats = batchNormStats(x, plan);
    if (runningMean && runningVar) {
      const unbias = plan.count / (plan.count - 1);
      for (let c = 0; c < channels; c++) {
        runningMean[c] = (1 - momentum) * runningMean[c]! + momentum * stats[c]!;
        runningVar[c] = (1 - momentum) * runningVar[c]! + momentum * stats[channels + c]! * unbias;
      }
    }
  } else {
    stats = new Float32Array(2 * channels);
    stats.set(runningMean!);
    stats.set(runningVar!, channels);
  }
  const output = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor(i / positions) % channels;
    const normalized = (x[i]! - stats[c]!) / Math.sqrt(stats[channels + c]! + eps);
    output[i] = weight ? normalized * weight[c]! + (bias ? bias[c]! : 0) : normalized + (bias ? bias[c]! : 0);
  }
  return { output, stats };
}

/** The gradients of batch norm for the output gradient g, given the statistics the forward used. */
export function batchNormBackward(
  g: Float32Array,
  x: Float32Array,
  stats: Float32Array,
  plan: BatchNormPlan,
  { weight = null, training = true, eps = 1e-5 }: { weight?: Float32Array | null; training?: boolean; eps?: number },
): { input: Float32Array; weight: Float32Array; bias: Float32Array } {
  const { batch, channels, positions, count } = plan;
  const sumG = new Float32Array(channels);
  const sumGX = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const inverseStd = 1 / Math.sqrt(stats[channels + c]! + eps);
    for (let n = 0; n < batch; n++)
      for (let s = 0; s < positions; s++) {
        const i = (n * channels + c) * positions + s;
        sumG[c] = sumG[c]! + g[i]!;
        sumGX[c] = sumGX[c]! + g[i]! * (x[i]! - stats[c]!) * inverseStd;
      }
  }
  const input = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor(i / positions) % channels;
    const inverseStd = 1 / Math.sqrt(stats[channels + c]! + eps);
    const scale = (weight ? weight[c]! : 1) * inverseStd;
    input[i] = training ? scale * (g[i]! - sumG[c]! / count - (x[i]! - stats[c]!) * inverseStd * (sumGX[c]! / count)) : g[i]! * scale;
  }
  return { input, weight: sumGX, bias: sumG };
}

/**
 * The CPU reference with PyTorch's arguments: `F.batch_norm(x, running_mean, running_var, weight, bias, training,
 * momentum, eps)` on `{ data, shape }`; in training the running arrays given are updated in place.
 */
export function batchNormReference(
  x: { data: Float32Array; shape: readonly number[] },
  runningMean: Float32Array | null,
  runningVar: Float32Array | null,
  options: Omit<BatchNormReferenceOptions, 'runningMean' | 'runningVar'> = {},
): { data: Float32Array; shape: number[] } {
  const sizes = {
    runningMean: runningMean?.length ?? null,
    runningVar: runningVar?.length ?? null,
    weight: options.weight?.length ?? null,
    bias: options.bias?.length ?? null,
  };
  const plan = planBatchNorm(x.shape, sizes, options.training ?? false);
  return { data: batchNorm(x.data, plan, { ...options, runningMean, runningVar }).output, shape: [...x.shape] };
}
