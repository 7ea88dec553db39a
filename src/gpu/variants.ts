import { checkLoop, loopFits } from './loopLimit.js';

// Kernel variants: a kernel with several strategies (override constants) records which one each device
// runs. Autotune (autotune.ts) measures and sets them; until then the first strategy listed is used.

/** Strategies per kernel, the default first (the one that suits GPUs); each sets override constants. */
export const KERNEL_VARIANTS = {
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
} as const;

export type TunableKernel = keyof typeof KERNEL_VARIANTS;
export type VariantOf<K extends TunableKernel> = keyof (typeof KERNEL_VARIANTS)[K] & string;

const chosen = new WeakMap<GPUDevice, Map<TunableKernel, string>>();

/** The strategy `device` runs for `kernel`. */
export function kernelVariant<K extends TunableKernel>(device: GPUDevice, kernel: K): VariantOf<K> {
  const name = chosen.get(device)?.get(kernel) ?? Object.keys(KERNEL_VARIANTS[kernel])[0]!;
  return name as VariantOf<K>;
}

/** The override constants of a strategy (by default the one `device` runs for `kernel`). */
export function variantConstants(device: GPUDevice, kernel: TunableKernel, variant: string = kernelVariant(device, kernel)): Record<string, number> {
  return (KERNEL_VARIANTS[kernel] as Record<string, Record<string, number>>)[variant]!;
}

/**
 * The device's strategy for `kernel` if its longest loop (`loopIterations` of the strategy's constants) fits
 * under the device's loop cap (loopLimit.ts), else the first that fits; throws the cap's clear error when none does.
 */
export function variantWithinLoopLimit<K extends TunableKernel>(
  device: GPUDevice,
  kernel: K,
  loopIterations: (constants: Record<string, number>, variant: VariantOf<K>) => number,
  what: string,
): { variant: VariantOf<K>; constants: Record<string, number> } {
  const chosen = kernelVariant(device, kernel);
  const candidates = [chosen, ...(Object.keys(KERNEL_VARIANTS[kernel]) as VariantOf<K>[])];
  const iterations = (v: VariantOf<K>) => loopIterations(variantConstants(device, kernel, v), v);
  const fitting = candidates.find((v) => loopFits(device, iterations(v)));
  if (!fitting) checkLoop(device, kernel, Math.min(...candidates.map(iterations)), what);
  const variant = fitting ?? chosen;
  return { variant, constants: variantConstants(device, kernel, variant) };
}

/** Makes `device` run `variant` for `kernel` (autotune's choice, or a user's). */
export function setKernelVariant<K extends TunableKernel>(device: GPUDevice, kernel: K, variant: VariantOf<K>): void {
  if (!(variant in KERNEL_VARIANTS[kernel])) {
    throw new RangeError(`${kernel} has no variant "${variant}"; it has ${Object.keys(KERNEL_VARIANTS[kernel]).join(', ')}`);
  }
  let map = chosen.get(device);
  if (!map) chosen.set(device, (map = new Map()));
  map.set(kernel, variant);
}
