// Kernel strategies: a kernel with several ways to run (override constants) records which one each device runs,
// in the device's context. The runtime knows no kernel: each op's kernel file defines its strategies (`defineStrategies`)
// and declares their names in `KernelStrategyTable`; its functional module gives autotune the workloads (`defineTuning`).
// Autotune (src/device/autotune.ts) measures and sets them; until then the first strategy listed is used.
import { WebGPULayersError } from '../core/errors.js';
import { invalidateCaptures } from './captureGeneration.js';
import { contextOf } from './context.js';
import { checkLoop, loopFits } from './loopLimit.js';

type Constants = Record<string, number>;

/** A tunable kernel's name; the public, typed names are in src/ops/strategies.ts (the runtime knows no op). */
export type TunableKernel = string;
// biome-ignore lint/correctness/noUnusedVariables: K keeps the call sites' shape; a strategy is a name
export type StrategyOf<K extends TunableKernel> = string;

/** What autotune times: a run whose result it disposes, on inputs made once (`dispose` frees them). */
export interface TuningWorkload {
  run(): { dispose(): void };
  dispose(): void;
}

/** Strategies per kernel, the default first (the one that suits GPUs); each sets override constants. */
export const KERNEL_STRATEGIES: Readonly<Record<string, Readonly<Record<string, Constants>>>> = {};
const workloads = new Map<string, readonly ((device: GPUDevice) => TuningWorkload)[]>();

/** Registers a kernel's strategies, the default first. Called once, where the kernel is declared. */
export function defineStrategies<const S extends Record<string, Constants>>(kernel: string, strategies: S): S {
  (KERNEL_STRATEGIES as Record<string, unknown>)[kernel] = strategies;
  return strategies;
}

/**
 * Registers the workloads autotune times a kernel's strategies on: the shapes the op is used at (many small maps
 * and fewer large ones, say). Called once, by the op's functional module.
 */
export function defineTuning(kernel: TunableKernel, tuning: readonly ((device: GPUDevice) => TuningWorkload)[]): void {
  workloads.set(kernel, tuning);
}

/** The workloads `kernel` is tuned on. */
export function tuningWorkloads(kernel: TunableKernel): readonly ((device: GPUDevice) => TuningWorkload)[] {
  return workloads.get(kernel) ?? [];
}

const strategiesOf = (kernel: TunableKernel) => KERNEL_STRATEGIES[kernel] as Record<string, Constants>;

/** The strategy `device` runs for `kernel`. */
export function kernelStrategy<K extends TunableKernel>(device: GPUDevice, kernel: K): StrategyOf<K> {
  const name = contextOf(device).strategies.get(kernel) ?? Object.keys(strategiesOf(kernel))[0]!;
  return name as StrategyOf<K>;
}

/** The override constants of a strategy (by default the one `device` runs for `kernel`). */
export function strategyConstants(device: GPUDevice, kernel: TunableKernel, strategy: string = kernelStrategy(device, kernel)): Constants {
  return strategiesOf(kernel)[strategy]!;
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
  const candidates = [chosen, ...(Object.keys(strategiesOf(kernel)) as StrategyOf<K>[])];
  const iterations = (s: StrategyOf<K>) => loopIterations(strategyConstants(device, kernel, s), s);
  const fitting = candidates.find((s) => loopFits(device, iterations(s)));
  if (!fitting) checkLoop(device, kernel, Math.min(...candidates.map(iterations)), what);
  const strategy = fitting ?? chosen;
  return { strategy, constants: strategyConstants(device, kernel, strategy) };
}

/** Makes `device` run `strategy` for `kernel` (autotune's choice, or a user's). */
export function setKernelStrategy<K extends TunableKernel>(device: GPUDevice, kernel: K, strategy: StrategyOf<K>): void {
  const strategies = strategiesOf(kernel);
  if (!strategies || !(strategy in strategies)) {
    const known = strategies ? `it has ${Object.keys(strategies).join(', ')}` : `the tunable kernels are ${Object.keys(KERNEL_STRATEGIES).join(', ')}`;
    throw new WebGPULayersError('invalid-argument', `${kernel} has no strategy "${strategy}"; ${known}`);
  }
  contextOf(device).strategies.set(kernel, strategy);
  invalidateCaptures();
}
