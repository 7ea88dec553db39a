// Forcing kernel strategies in tests, then restoring the device's tuned choices.
import { KERNEL_VARIANTS, kernelVariant, setKernelVariant, type TunableKernel, type VariantOf } from '../../src/index.js';

export type Strategies = { [K in TunableKernel]?: VariantOf<K> };

/** Makes `device` run `strategies`; returns a function that restores what it ran before. */
export function forceStrategies(device: GPUDevice, strategies: Strategies): () => void {
  const kernels = Object.keys(strategies) as TunableKernel[];
  const tuned = kernels.map((kernel) => kernelVariant(device, kernel));
  kernels.forEach((kernel) => setKernelVariant(device, kernel, strategies[kernel] as never));
  return () => kernels.forEach((kernel, i) => setKernelVariant(device, kernel, tuned[i] as never));
}

/** Runs an async test body with one kernel strategy forced. */
export async function withVariant(device: GPUDevice, kernel: keyof typeof KERNEL_VARIANTS, variant: string, body: () => Promise<void>): Promise<void> {
  const restore = forceStrategies(device, { [kernel]: variant } as Strategies);
  try {
    await body();
  } finally {
    restore();
  }
}
