// One-time autotune per device: times each strategy of the kernels that have several (src/gpu/variants.ts)
// on representative shapes and keeps the fastest. Software adapters and real GPUs want different kernel
// shapes (workgroup barriers are very slow on SwiftShader and llvmpipe), so this is measured, never guessed.
import { synchronize } from './gpu/commandBatch.js';
import { KERNEL_VARIANTS, kernelVariant, setKernelVariant, type TunableKernel } from './gpu/variants.js';
import { adaptiveAvgPool2d, channelScale } from './functional.js';
import { Tensor } from './tensor.js';

export interface AutotuneResult {
  kernel: TunableKernel;
  chosen: string;
  /** Median ms of each strategy over the workloads, summed. */
  timesMs: Record<string, number>;
}

/** The shapes each kernel is tuned on: many small maps (a ResNet head) and fewer large ones (an early SE block). */
const WORKLOADS: Record<TunableKernel, { shape: number[]; run: (x: Tensor) => Tensor }[]> = {
  global_avg_pool2d: [
    { shape: [8, 512, 7, 7], run: (x) => adaptiveAvgPool2d(x, 1) },
    { shape: [4, 128, 56, 56], run: (x) => adaptiveAvgPool2d(x, 1) },
  ],
  channel_scale: [
    { shape: [8, 512, 7, 7], run: (x) => scaleByItsPlanes(x) },
    { shape: [4, 128, 56, 56], run: (x) => scaleByItsPlanes(x) },
  ],
};

/** The SE block's last step on `x`, with a gate of ones (the values do not change the timing). */
function scaleByItsPlanes(x: Tensor): Tensor {
  const planes = x.shape[0]! * x.shape[1]!;
  const gate = Tensor.fromArray(x.device, new Float32Array(planes).fill(1), [x.shape[0]!, x.shape[1]!]);
  const y = channelScale(x, gate);
  gate.dispose();
  return y;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeWorkload(device: GPUDevice, x: Tensor, run: (x: Tensor) => Tensor, runs: number): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const y = run(x);
    await synchronize(device);
    y.dispose();
    return performance.now() - t0;
  };
  await once(); // compiles the pipeline
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return median(times);
}

/**
 * Measures every strategy of every tunable kernel on `device` and makes it use the fastest. Takes a fraction
 * of a second on a GPU, a second or two on a software adapter. `requestDevice()` from 'webgpu-layers/node'
 * runs it; in a browser, `await autotune(device)` once after getting the device (until then the first
 * strategy of each kernel runs, which suits GPUs).
 */
export async function autotune(device: GPUDevice, { runs = 5 }: { runs?: number } = {}): Promise<AutotuneResult[]> {
  const results: AutotuneResult[] = [];
  for (const kernel of Object.keys(KERNEL_VARIANTS) as TunableKernel[]) {
    const timesMs: Record<string, number> = {};
    const inputs = WORKLOADS[kernel].map(({ shape }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return Tensor.fromArray(device, Float32Array.from({ length: size }, (_, i) => (i % 251) / 251), shape);
    });
    try {
      for (const variant of Object.keys(KERNEL_VARIANTS[kernel])) {
        setKernelVariant(device, kernel, variant as never);
        timesMs[variant] = 0;
        for (const [i, workload] of WORKLOADS[kernel].entries()) timesMs[variant] += await timeWorkload(device, inputs[i]!, workload.run, runs);
      }
    } finally {
      inputs.forEach((t) => t.dispose());
    }
    const chosen = Object.entries(timesMs).sort((a, b) => a[1] - b[1])[0]![0];
    setKernelVariant(device, kernel, chosen as never);
    results.push({ kernel, chosen: kernelVariant(device, kernel), timesMs });
  }
  return results;
}
