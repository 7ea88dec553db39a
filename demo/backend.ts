// Where the demo runs its layers: the browser's WebGPU when there is an adapter, else the CPU reference.
import { autotune, reference, synchronize, Tensor } from '../src/index.js';
import type { nn } from '../src/index.js';

export interface TensorData {
  data: Float32Array;
  shape: number[];
}

export interface RunResult {
  output: TensorData;
  /** Wall time of the forward pass until the GPU finished it (or of the CPU reference). */
  ms: number;
  /** max |GPU − CPU reference|; null when running on the CPU. */
  maxDiff: number | null;
}

export interface Runner {
  label: string;
  device: GPUDevice | null;
  run(module: nn.Module, input: TensorData): Promise<RunResult>;
  /** Runs `forward` for a module method other than forward (e.g. SE excitation). */
  runWith(gpu: (x: Tensor) => Tensor, cpu: (x: TensorData) => TensorData, input: TensorData): Promise<RunResult>;
}

async function gpuDevice(): Promise<{ device: GPUDevice; label: string } | { reason: string }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { reason: 'WebGPU is present but no adapter is available' };
  const device = await adapter.requestDevice();
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { device, label: `WebGPU on ${name}${adapter.info.isFallbackAdapter ? ' (software)' : ''}` };
}

export async function createRunner(): Promise<Runner> {
  const found = await gpuDevice();
  if ('reason' in found) {
    return {
      label: `No WebGPU: ${found.reason}. Everything below runs on the CPU reference instead.`,
      device: null,
      run: async (module, input) => cpuRun(() => module.forwardCpu(input)),
      runWith: async (_gpu, cpu, input) => cpuRun(() => cpu(input)),
    };
  }
  const { device, label } = found;
  await autotune(device, { runs: 3 });
  const runWith = async (gpu: (x: Tensor) => Tensor, cpu: (x: TensorData) => TensorData, input: TensorData): Promise<RunResult> => {
    const x = Tensor.fromArray(device, input.data, input.shape);
    try {
      const t0 = performance.now();
      const y = gpu(x); // PyTorch's errors are thrown here, before any GPU work
      await synchronize(device);
      const ms = performance.now() - t0;
      const data = await y.toArray();
      const shape = [...y.shape];
      y.dispose();
      const expected = cpu(input);
      return { output: { data, shape }, ms, maxDiff: reference.maxAbsDiff(data, expected.data) };
    } finally {
      x.dispose();
    }
  };
  return {
    label,
    device,
    run: (module, input) => runWith((x) => module.forward(x), (x) => module.forwardCpu(x), input),
    runWith,
  };
}

function cpuRun(fn: () => TensorData): RunResult {
  const t0 = performance.now();
  const output = fn();
  return { output, ms: performance.now() - t0, maxDiff: null };
}
