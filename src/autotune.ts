// One-time autotune per device: times each strategy of the kernels that have several (src/gpu/strategies.ts)
// on representative shapes and keeps the fastest. Software adapters and real GPUs want different kernel
// shapes (workgroup barriers are very slow on SwiftShader and llvmpipe), so this is measured, never guessed.
import { synchronize } from './gpu/context.js';
import { probeLoopLimit } from './gpu/loopLimit.js';
import { KERNEL_STRATEGIES, kernelStrategy, setKernelStrategy, type TunableKernel } from './gpu/strategies.js';
import { adaptiveAvgPool2d, avgPool2d, channelScale, denseLayer } from './functional.js';
import { avgPool3d, maxPool2d } from './functionalPooling.js';
import { ResNetHead } from './nn/resnetHead.js';
import { SqueezeAndExcite } from './nn/squeezeExcitation.js';
import { median } from './stats.js';
import { Tensor } from './tensor.js';

export interface AutotuneResult {
  kernel: TunableKernel;
  chosen: string;
  /** Median ms of each strategy over the workloads, summed. */
  timesMs: Record<string, number>;
}

/** A tuning workload: what it runs, on tensors made once per workload. */
interface Workload {
  run: () => Tensor;
  dispose: () => void;
}

const filled = (device: GPUDevice, shape: number[]) =>
  Tensor.fromArray(device, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 251) / 251), shape);

/** One tensor (x) and an op on it. */
function onInput(device: GPUDevice, shape: number[], op: (x: Tensor) => Tensor): Workload {
  const x = filled(device, shape);
  return { run: () => op(x), dispose: () => x.dispose() };
}

/** Two tensors (x and a second operand) and an op on both. */
function onTwo(device: GPUDevice, shape: number[], otherShape: number[], op: (x: Tensor, other: Tensor) => Tensor): Workload {
  const [x, other] = [filled(device, shape), filled(device, otherShape)];
  return { run: () => op(x, other), dispose: () => [x, other].forEach((t) => t.dispose()) };
}

/** An SE block's excitation (MobileNetV3's, on its 7×7 map), its weights uploaded once. */
function excitation(device: GPUDevice, shape: number[]): Workload {
  const se = new SqueezeAndExcite(shape[1]!, shape[1]!, shape[2]!);
  const x = filled(device, shape);
  return { run: () => se.excitation(x), dispose: () => [x, se].forEach((t) => t.dispose()) };
}

/** A ResNet head (global pool → fc), its weights uploaded once. */
function head(device: GPUDevice, shape: number[], classes: number): Workload {
  const module = new ResNetHead(shape[1]!, classes);
  const x = filled(device, shape);
  return { run: () => module.forward(x), dispose: () => [x, module].forEach((t) => t.dispose()) };
}

/** Linear in nn.Linear's device layout (the weight transposed, [in, out]), where four features per invocation apply. */
const transposedLinear = (x: Tensor, weight: Tensor) => denseLayer(x, { weight, bias: null, activation: 'identity' });

/**
 * The shapes each kernel is tuned on: many small maps (a ResNet head) and fewer large ones (an early SE
 * block); for Linear, a classifier (8 rows) and a wider batch.
 */
const WORKLOADS: Record<TunableKernel, ((device: GPUDevice) => Workload)[]> = {
  global_avg_pool2d: [
    (device) => onInput(device, [8, 512, 7, 7], (x) => adaptiveAvgPool2d(x, 1)),
    (device) => onInput(device, [4, 128, 56, 56], (x) => adaptiveAvgPool2d(x, 1)),
  ],
  channel_scale: [
    (device) => onTwo(device, [8, 512, 7, 7], [8, 512], channelScale),
    (device) => onTwo(device, [4, 128, 56, 56], [4, 128], channelScale),
  ],
  avg_pool2d: [
    (device) => onInput(device, [4, 64, 56, 56], (x) => avgPool2d(x, 3, { stride: 2, padding: 1 })),
    (device) => onInput(device, [4, 32, 28, 28], (x) => avgPool2d(x, 3, { stride: 1, padding: 1 })),
  ],
  adaptive_avg_pool2d: [
    (device) => onInput(device, [4, 256, 14, 14], (x) => adaptiveAvgPool2d(x, 7)),
    (device) => onInput(device, [4, 64, 15, 15], (x) => adaptiveAvgPool2d(x, [5, 7])),
  ],
  pool_window: [
    (device) => onInput(device, [4, 64, 56, 56], (x) => maxPool2d(x, 3, { stride: 2, padding: 1 })),
    (device) => onInput(device, [2, 16, 8, 28, 28], (x) => avgPool3d(x, 3, { stride: 2, padding: 1 })),
  ],
  linear: [
    (device) => onTwo(device, [8, 512], [512, 1000], transposedLinear),
    (device) => onTwo(device, [64, 256], [256, 256], transposedLinear),
  ],
  squeeze_excitation: [(device) => excitation(device, [1, 96, 7, 7]), (device) => excitation(device, [4, 960, 7, 7])],
  global_pool_linear: [(device) => head(device, [1, 2048, 7, 7], 1000), (device) => head(device, [8, 512, 7, 7], 1000)],
};


async function timeWorkload(device: GPUDevice, run: () => Tensor, runs: number): Promise<number> {
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
    const workloads = WORKLOADS[kernel].map((make) => make(device));
    try {
      for (const strategy of Object.keys(KERNEL_STRATEGIES[kernel])) {
        setKernelStrategy(device, kernel, strategy as never);
        timesMs[strategy] = 0;
        for (const workload of workloads) timesMs[strategy] += await timeWorkload(device, workload.run, runs);
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
