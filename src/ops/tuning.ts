// Autotune's workloads (src/runtime/strategies.ts, `defineTuning`): an op on tensors made once per workload.
import { Tensor } from '../core/tensor.js';
import type { TuningWorkload } from '../runtime/strategies.js';

/** A tensor of `shape` filled with a fixed ramp in [0, 1). */
export function filled(device: GPUDevice, shape: readonly number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = (i % 251) / 251;
  return Tensor.fromArray(device, data, shape);
}

/** Tensors of `shapes` (made once) and an op on them. */
export function onTensors(device: GPUDevice, shapes: readonly (readonly number[])[], op: (...tensors: Tensor[]) => { dispose(): void }): TuningWorkload {
  const tensors = shapes.map((shape) => filled(device, shape));
  return { run: () => op(...tensors), dispose: () => tensors.forEach((t) => t.dispose()) };
}

/** One tensor (x) and an op on it. */
export const onInput = (device: GPUDevice, shape: readonly number[], op: (x: Tensor) => { dispose(): void }) => onTensors(device, [shape], op);
