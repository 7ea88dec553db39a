// The kernel strategies as users see them: every tunable kernel of the kit by name, each with its strategies' names,
// typed (the runtime's registry, src/runtime/strategies.ts, knows no op and keeps names as strings).
import * as runtime from '../runtime/strategies.js';
import type { GLOBAL_POOL_LINEAR_STRATEGIES, LINEAR_STRATEGIES } from './linear/kernel.js';
import type { GLOBAL_STRATEGIES } from './pooling/globalKernel.js';
import type { ADAPTIVE_STRATEGIES, WINDOW_STRATEGIES } from './pooling/kernels.js';
import type { CHANNEL_SCALE_STRATEGIES } from './squeezeExcitation/channelScale.js';
import type { SQUEEZE_EXCITATION_STRATEGIES } from './squeezeExcitation/gate.js';

/** Every tunable kernel and its strategies (override constants by strategy name), the default first. */
export interface KernelStrategyTable {
  pool_window: typeof WINDOW_STRATEGIES;
  pool_adaptive: typeof ADAPTIVE_STRATEGIES;
  global_avg_pool: typeof GLOBAL_STRATEGIES;
  linear: typeof LINEAR_STRATEGIES;
  global_pool_linear: typeof GLOBAL_POOL_LINEAR_STRATEGIES;
  squeeze_excitation: typeof SQUEEZE_EXCITATION_STRATEGIES;
  channel_scale: typeof CHANNEL_SCALE_STRATEGIES;
}

export type TunableKernel = keyof KernelStrategyTable;
export type StrategyOf<K extends TunableKernel> = keyof KernelStrategyTable[K] & string;

/** Strategies per kernel, the default first (the one that suits GPUs); each sets override constants. */
export const KERNEL_STRATEGIES = runtime.KERNEL_STRATEGIES as { readonly [K in TunableKernel]: KernelStrategyTable[K] };

/** The strategy `device` runs for `kernel`. */
export function kernelStrategy<K extends TunableKernel>(device: GPUDevice, kernel: K): StrategyOf<K> {
  return runtime.kernelStrategy(device, kernel) as StrategyOf<K>;
}

/** Makes `device` run `strategy` for `kernel` (autotune's choice, or a user's); an unknown name is a clear error. */
export function setKernelStrategy<K extends TunableKernel>(device: GPUDevice, kernel: K, strategy: StrategyOf<K>): void {
  runtime.setKernelStrategy(device, kernel, strategy);
}
