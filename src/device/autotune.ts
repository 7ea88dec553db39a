// One-time autotune per device: times each strategy of the kernels that have several (each op registers its
// strategies and workloads in src/runtime/strategies.ts) and keeps the fastest. Software adapters and real GPUs
// want different kernel shapes (workgroup barriers are very slow on SwiftShader and llvmpipe), so this is
// measured, never guessed.
import { median } from '../core/stats.js';
import { synchronize } from '../runtime/context.js';
import { probeLoopLimit } from '../runtime/loopLimit.js';
import { KERNEL_STRATEGIES, kernelStrategy, setKernelStrategy, tuningWorkloads } from '../runtime/strategies.js';
import type { TunableKernel } from '../ops/strategies.js';
// The ops register their kernels' strategies and workloads when they are loaded.
import '../ops/F.js';

export interface AutotuneResult {
  kernel: TunableKernel;
  chosen: string;
  /** Median ms of each strategy over the workloads, summed. */
  timesMs: Record<string, number>;
}

async function timeWorkload(device: GPUDevice, run: () => { dispose(): void }, runs: number): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const y = run();
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
  await probeLoopLimit(device); // strategies whose loops this device would cut short are never chosen
  const results: AutotuneResult[] = [];
  for (const kernel of Object.keys(KERNEL_STRATEGIES) as TunableKernel[]) {
    const timesMs: Record<string, number> = {};
    const workloads = tuningWorkloads(kernel).map((make) => make(device));
    try {
      for (const strategy of Object.keys(KERNEL_STRATEGIES[kernel]!)) {
        setKernelStrategy(device, kernel, strategy as never);
        timesMs[strategy] = 0;
        for (const workload of workloads) timesMs[strategy] += await timeWorkload(device, () => workload.run(), runs);
      }
    } finally {
      workloads.forEach((w) => w.dispose());
    }
    const chosen = Object.entries(timesMs).sort((a, b) => a[1] - b[1])[0]![0];
    setKernelStrategy(device, kernel, chosen as never);
    results.push({ kernel, chosen: kernelStrategy(device, kernel), timesMs });
  }
  return results;
}
