// Where the demo runs its layers: the browser's WebGPU when there is an adapter, else the CPU reference.
import { DeviceKeeper, noGrad, reference, synchronize, Tensor } from '../src/index.js';
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

export interface IndexData {
  data: Int32Array;
  shape: number[];
}

/** A max pool with `returnIndices: true`. */
export interface IndexedPool {
  forward(x: Tensor): [Tensor, Tensor<'int32'>];
  forwardCpu(x: TensorData): [TensorData, IndexData];
  dispose(): void;
}

export interface Runner {
  label: string;
  device: GPUDevice | null;
  /** Keeps the WebGPU device, replacing it when lost; absent on the CPU. */
  keeper?: DeviceKeeper;
  run(module: nn.Module, input: TensorData): Promise<RunResult>;
  /** A max pool's indices, from the GPU (checked against the CPU reference's) or from the CPU reference. */
  indices(module: IndexedPool, input: TensorData): Promise<IndexData>;
  /** Runs `forward` for a module method other than forward (e.g. SE excitation). */
  runWith(gpu: (x: Tensor) => Tensor, cpu: (x: TensorData) => TensorData, input: TensorData): Promise<RunResult>;
}

/** The browser's device, kept across a lost device; or why there is none. */
async function gpuDevice(): Promise<{ keeper: DeviceKeeper } | { reason: string }> {
  try {
    return { keeper: await DeviceKeeper.create() };
  } catch (error) {
    return { reason: (error as Error).message.replace(/^webgpu-layers: /, '') };
  }
}

export async function createRunner(): Promise<Runner> {
  const found = await gpuDevice();
  if ('reason' in found) {
    return {
      label: `No WebGPU: ${found.reason}. Everything below runs on the CPU reference instead.`,
      device: null,
      run: async (module, input) => cpuRun(() => module.forwardCpu(input)),
      indices: async (module, input) => module.forwardCpu(input)[1],
      runWith: async (_gpu, cpu, input) => cpuRun(() => cpu(input)),
    };
  }
  const { keeper } = found;
  const runWith = async (gpu: (x: Tensor) => Tensor, cpu: (x: TensorData) => TensorData, input: TensorData): Promise<RunResult> => {
    if (keeper.replaced) await keeper.replaced; // a lost device is being replaced: run on the new one
    const device = keeper.device;
    const x = Tensor.fromArray(device, input.data, input.shape);
    try {
      const t0 = performance.now();
      const y = noGrad(() => gpu(x)); // inference records nothing; PyTorch's errors are thrown here, before any GPU work
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
    get label() {
      return keeper.device.label;
    },
    get device() {
      return keeper.device;
    },
    keeper,
    run: (module, input) =>
      runWith(
        (x) => module.forward(x),
        (x) => module.forwardCpu(x),
        input,
      ),
    indices: async (module, input) => {
      if (keeper.replaced) await keeper.replaced;
      const x = Tensor.fromArray(keeper.device, input.data, input.shape);
      const [values, indices] = noGrad(() => module.forward(x));
      try {
        const data = await indices.toArray();
        const expected = module.forwardCpu(input)[1].data;
        if (data.some((v, i) => v !== expected[i])) throw new Error('the GPU indices differ from the CPU reference');
        return { data, shape: [...indices.shape] };
      } finally {
        for (const t of [x, values, indices]) t.dispose();
      }
    },
    runWith,
  };
}

function cpuRun(fn: () => TensorData): RunResult {
  const t0 = performance.now();
  const output = fn();
  return { output, ms: performance.now() - t0, maxDiff: null };
}
