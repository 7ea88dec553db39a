// Kernel strategies: a kernel with several ways to run (override constants) records which one each device
// runs, in the device's context. Autotune (src/autotune.ts) measures and sets them; until then the first
// strategy listed is used.
import { WebGPULayersError } from '../errors.js';
import { invalidateCaptures } from './capture.js';
import { contextOf } from './context.js';
import { checkLoop, loopFits } from './loopLimit.js';

/** Strategies per kernel, the default first (the one that suits GPUs); each sets override constants. */
export const KERNEL_STRATEGIES = {
  global_avg_pool2d: { workgroup: { STRATEGY: 0 }, invocation: { STRATEGY: 1 } },
  channel_scale: { vec4: { VEC4S_PER_INVOCATION: 1 }, run16: { VEC4S_PER_INVOCATION: 4 } },
  // FOUR_FEATURES applies only where the weight layout allows it (transposed, outFeatures % 4 == 0).
  linear: {
    row: { ROWS_PER_INVOCATION: 1, FOUR_FEATURES: 0 },
    quad: { ROWS_PER_INVOCATION: 1, FOUR_FEATURES: 1 },
    rows8: { ROWS_PER_INVOCATION: 8, FOUR_FEATURES: 1 },
  },
  avg_pool2d: { output: { OUTPUTS_PER_INVOCATION: 1 }, run4: { OUTPUTS_PER_INVOCATION: 4 } },
  adaptive_avg_pool2d: { output: { OUTPUTS_PER_INVOCATION: 1 }, run4: { OUTPUTS_PER_INVOCATION: 4 } },
  // Max, 1-D/3-D average and LP pooling (shaders/pool_window.wgsl).
  pool_window: { output: { OUTPUTS_PER_INVOCATION: 1 }, run4: { OUTPUTS_PER_INVOCATION: 4 } },
  // The SE excitation over a small global pool: one dispatch that pools and runs the MLP, or the pool first.
  squeeze_excitation: { fused: { POOL_INPUT: 1 }, split: { POOL_INPUT: 0 } },
  // A Linear after a global pool (a ResNet head): one dispatch whose workgroups pool their row, or the pool first.
  global_pool_linear: { fused: { POOL_INPUT: 1 }, split: { POOL_INPUT: 0 } },
} as const;

export type TunableKernel = keyof typeof KERNEL_STRATEGIES;
export type StrategyOf<K extends TunableKernel> = keyof (typeof KERNEL_STRATEGIES)[K] & string;
type Constants = Record<string, number>;

/** The strategy `device` runs for `kernel`. */
export function kernelStrategy<K extends TunableKernel>(device: GPUDevice, kernel: K): StrategyOf<K> {
  const name = contextOf(device).strategies.get(kernel) ?? Object.keys(KERNEL_STRATEGIES[kernel])[0]!;
  return name as StrategyOf<K>;
}

/** The override constants of a strategy (by default the one `device` runs for `kernel`). */
export function strategyConstants(device: GPUDevice, kernel: TunableKernel, strategy: string = kernelStrategy(device, kernel)): Constants {
  return (KERNEL_STRATEGIES[kernel] as Record<string, Constants>)[strategy]!;
}

/**
 * The device's strategy for `kernel` if its longest loop (`loopIterations` of the strategy's constants) fits
 * under the device's loop cap (loopLimit.ts), else the first that fits; throws the cap's clear error when none does.
 */
export function strategyWithinLoopLimit<K extends TunableKernel>(
  device: GPUDevice,
  kernel: K,
  loopIterations: (constants: Constants, strategy: StrategyOf<K>) => number,
  what: string,
): { strategy: StrategyOf<K>; constants: Constants } {
  const chosen = kernelStrategy(device, kernel);
  const candidates = [chosen, ...(Object.keys(KERNEL_STRATEGIES[kernel]) as StrategyOf<K>[])];
  const iterations = (s: StrategyOf<K>) => loopIterations(strategyConstants(device, kernel, s), s);
  const fitting = candidates.find((s) => loopFits(device, iterations(s)));
  if (!fitting) checkLoop(device, kernel, Math.min(...candidates.map(iterations)), what);
  const strategy = fitting ?? chosen;
  return { strategy, constants: strategyConstants(device, kernel, strategy) };
}

/** Makes `device` run `strategy` for `kernel` (autotune's choice, or a user's). */
export function setKernelStrategy<K extends TunableKernel>(device: GPUDevice, kernel: K, strategy: StrategyOf<K>): void {
  if (!(strategy in KERNEL_STRATEGIES[kernel])) {
    throw new WebGPULayersError('invalid-argument', `${kernel} has no strategy "${strategy}"; it has ${Object.keys(KERNEL_STRATEGIES[kernel]).join(', ')}`);
  }
  contextOf(device).strategies.set(kernel, strategy);
  invalidateCaptures();
}

/** @deprecated Old names of the strategy API (a strategy was called a variant), kept for existing callers. */
export const KERNEL_VARIANTS = KERNEL_STRATEGIES;
/** @deprecated Use `kernelStrategy`. */
export const kernelVariant = kernelStrategy;
/** @deprecated Use `setKernelStrategy`. */
export const setKernelVariant = setKernelStrategy;
/** @deprecated Use `StrategyOf`. */
export type VariantOf<K extends TunableKernel> = StrategyOf<K>;
