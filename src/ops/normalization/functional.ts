// F.batchNorm (torch's F.batch_norm): normalise (N, C, *) per channel with the batch's statistics (training) or the
// running ones, then the affine step; in training the running buffers are updated in place (PyTorch's momentum
// rule, unbiased variance). Backward: PyTorch's NativeBatchNormBackward0 through the batch statistics, or through
// the fixed running ones in eval. float16 inputs are read as halves (f32 arithmetic, one rounding of the output);
// float16 per-channel tensors are widened first and running buffers written back rounded. channels-last stays so.
import { record } from '../../autograd/graph.js';
import { sameAsContiguous } from '../../core/memoryFormat.js';
import { Tensor } from '../../core/tensor.js';
import { contextOf } from '../../runtime/context.js';
import { launchConvert } from '../convert/kernel.js';
import { produce, written } from '../produce.js';
import { launchBatchNormApply, launchBatchNormBackwardApply, launchBatchNormBackwardReduce, launchBatchNormStats, launchBatchNormUpdate } from './kernels.js';
import { planBatchNorm, type BatchNormOptions, type BatchNormPlan } from './plan.js';

/** `t` as float32 (a widened copy of a float16 one, which the caller disposes), or itself. */
const asFloat32 = (t: Tensor | null) => (t && t.dtype === 'float16' ? (t.to('float32') as Tensor) : t);

/** A [2C] float32 tensor of the running mean then variance (copies: a later update must not change a saved one). */
function runningStats(device: GPUDevice, plan: BatchNormPlan, mean: Tensor, variance: Tensor): Tensor {
  const out = Tensor.empty(device, [2 * plan.channels]);
  const batch = contextOf(device).batch;
  const bytes = plan.channels * 4;
  const wide = [mean, variance].map(asFloat32) as [Tensor, Tensor];
  if (bytes > 0) {
    out.setWrittenBy(
      Promise.all(
        wide.map((t, i) =>
          batch.record({
            kind: 'copy',
            source: t.buffer,
            sourceOffset: t.binding.offset ?? 0,
            destination: out.buffer,
            destinationOffset: i * bytes,
            size: bytes,
          }),
        ),
      ).then(() => {}),
    );
  }
  wide.forEach((t, i) => t !== [mean, variance][i] && t.dispose());
  return out;
}

/** Updates float32 running buffers in place from `stats`; float16 ones through a float32 copy, rounded back. */
function updateRunning(device: GPUDevice, plan: BatchNormPlan, stats: Tensor, mean: Tensor, variance: Tensor, momentum: number): void {
  const wide = [mean, variance].map(asFloat32) as [Tensor, Tensor];
  const work = launchBatchNormUpdate(device, plan, stats.binding, wide[0].binding, wide[1].binding, momentum);
  [mean, variance].forEach((t, i) => {
    if (wide[i] === t) t.setWrittenBy(Promise.all([t.whenWritten, work]).then(() => {}));
    else {
      t.setWrittenBy(launchConvert(device, true, t.size, wide[i]!.binding, t.binding));
      wide[i]!.dispose();
    }
  });
}

/**
 * PyTorch's `F.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps)`: x (N, C, *).
 * In training the running buffers (when given) are updated in place.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions<Tensor> = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  const plan = planBatchNorm(
    x.shape,
    { runningMean: runningMean?.size ?? null, runningVar: runningVar?.size ?? null, weight: weight?.size ?? null, bias: bias?.size ?? null },
    training,
  );
  const device = x.device;
  // Training changes state a captured replay would not (the running buffers' momentum, the module's batch counter).
  if (training) contextOf(device).recorder?.spoil();
  const channelsLast = !sameAsContiguous(x.shape, x.memoryFormat);
  const wide = [weight, bias].map(asFloat32);
  let stats: Tensor | null = null;
  try {
    const y = produce(
      'batch_norm',
      [x],
      x.shape,
      (input, output, dtype) => {
        const half = dtype === 'float16';
        if (training) {
          stats = written(device, [2 * plan.channels], (out) => launchBatchNormStats(device, plan, input, out, half, channelsLast));
          if (runningMean && runningVar) updateRunning(device, plan, stats, runningMean, runningVar, momentum);
        } else {
          stats = runningStats(device, plan, runningMean!, runningVar!);
        }
        const [w, b] = wide;
        return launchBatchNormApply(
          device,
          plan,
          { input, stats: stats.binding, weight: w?.binding ?? null, bias: b?.binding ?? null, output },
          eps,
          half,
          channelsLast,
        );
      },
      { halves: 'convert', layouts: 'elementwise' },
    );
    if (!stats) return y; // no elements
    const saved = stats as Tensor;
    return record('NativeBatchNormBackward0', [x, weight, bias], y, [x, saved, ...(wide[0] ? [wide[0]] : [])], (grad, needs, [input, statsSaved, w]) => {
      const sums = written(device, [2 * plan.channels], (out) =>
        launchBatchNormBackwardReduce(device, plan, grad.binding, input!.binding, statsSaved!.binding, out, eps),
      );
      const bytes = plan.channels * 4;
      const slice = (from: number) =>
        written(device, [plan.channels], (out) =>
          contextOf(device).batch.record({
            kind: 'copy',
            source: sums.buffer,
            sourceOffset: (sums.binding.offset ?? 0) + from * bytes,
            destination: out.buffer,
            destinationOffset: out.offset ?? 0,
            size: bytes,
          }),
        );
      const gradients = [
        needs[0]
          ? written(device, x.shape, (out) =>
              launchBatchNormBackwardApply(
                device,
                plan,
                { grad: grad.binding, input: input!.binding, stats: statsSaved!.binding, sums: sums.binding, weight: w?.binding ?? null, output: out },
                eps,
                training,
              ),
            )
          : null,
        needs[1] ? slice(1) : null,
        needs[2] ? slice(0) : null,
      ];
      sums.dispose();
      return gradients;
    });
  } finally {
    (stats as Tensor | null)?.dispose();
    wide.forEach((t, i) => t !== [weight, bias][i] && t?.dispose());
  }
}
