// Forcing kernel strategies in tests, then restoring the device's tuned choices.
import { type KERNEL_STRATEGIES, kernelStrategy, setKernelStrategy, type StrategyOf, type TunableKernel } from '../../src/index.js';

export type Strategies = { [K in TunableKernel]?: StrategyOf<K> };

/** Makes `device` run `strategies`; returns a function that restores what it ran before. */
export function forceStrategies(device: GPUDevice, strategies: Strategies): () => void {
  const kernels = Object.keys(strategies) as TunableKernel[];
  const tuned = kernels.map((kernel) => kernelStrategy(device, kernel));
  kernels.forEach((kernel) => setKernelStrategy(device, kernel, strategies[kernel] as never));
  return () => kernels.forEach((kernel, i) => setKernelStrategy(device, kernel, tuned[i] as never));
}

/** Runs an async test body with one kernel strategy forced. */
export async function withStrategy<T>(device: GPUDevice, kernel: keyof typeof KERNEL_STRATEGIES, strategy: string, body: () => Promise<T>): Promise<T> {
  const restore = forceStrategies(device, { [kernel]: strategy } as Strategies);
  try {
    return await body();
  } finally {
    restore();
  }
}
