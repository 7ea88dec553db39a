// torch.optim on the GPU: the base of SGD, Adam and AdamW. A step is one dispatch per parameter with a gradient
// (shaders/optim/optimizer_step.wgsl), updating the parameter's device copy in place; nothing is read back. The
// step's scalars (float64 bias corrections, as torch computes them on the host) go up in one small upload.
import source from '../../shaders/optim/optimizer_step.wgsl?raw';
import { TorchError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { defineKernel } from '../runtime/kernel.js';
import { launch } from '../runtime/launch.js';
import { transpose2d, type Parameter } from '../nn/parameter.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'optimizer_step',
  source,
  bindings: [
    { name: 'grad', access: 'read' },
    { name: 'scalars', access: 'read' },
    { name: 'param', access: 'read_write' },
    { name: 'first', access: 'read_write' },
    { name: 'second', access: 'read_write' },
    { name: 'third', access: 'read_write' },
  ],
  params: {
    total: 'u32',
    weightDecay: 'f32',
    momentum: 'f32',
    oneMinusDampening: 'f32',
    beta1: 'f32',
    beta2: 'f32',
    oneMinusBeta1: 'f32',
    oneMinusBeta2: 'f32',
    eps: 'f32',
    decay: 'f32',
  },
});

/** Python's repr of a float (`1.0`, `-0.1`), for PyTorch's messages. */
export const pyFloat = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

export function invalid(message: string): never {
  throw new TorchError(message, 'ValueError');
}

/** One parameter's state, in its device layout (stateDict transposes to PyTorch's). */
export interface ParameterState {
  step: number;
  buffers: Record<string, Tensor>;
}

/** An entry of `stateDict().state`: step and buffers as { data, shape } in PyTorch's layout. */
export type StateEntry = Record<string, number | { data: Float32Array; shape: number[] }>;

export interface OptimizerStateDict {
  state: Record<number, StateEntry>;
  param_groups: Record<string, unknown>[];
}

export abstract class Optimizer {
  readonly params: readonly Parameter[];
  protected readonly state = new Map<Parameter, ParameterState>();
  /** Stand-ins for the state buffers an option leaves out (writable bindings may not alias one placeholder). */
  #unused: Tensor[] = [];

  constructor(params: Iterable<Parameter>) {
    this.params = [...params];
    if (this.params.length === 0) invalid('optimizer got an empty parameter list');
  }

  /** The kernel's constants and uniform for this optimizer's options. */
  protected abstract config(): { constants: Record<string, number>; params: Record<string, number> };
  /** The buffers a parameter's state holds, by PyTorch's names, in binding order (first, second, third). */
  protected abstract bufferNames(): string[];
  /** The step's scalars [lr, stepSize, bc2 sqrt, first] for a parameter at `step` (1-based). */
  protected abstract scalars(step: number, firstStep: boolean): number[];
  /** Whether PyTorch's state for a parameter holds its `step` (SGD's does not). */
  protected readonly countsSteps: boolean = true;
  /** The param group as PyTorch's state_dict writes it (without `params`). */
  protected abstract group(): Record<string, unknown>;

  /** Applies one update to every parameter that has a gradient (PyTorch's `step()`). */
  step(): void {
    // Parameters at the same step share one upload of the step's scalars (usually all of them: one per step).
    const uploads = new Map<string, Tensor>();
    const { constants, params } = this.config();
    for (const p of this.params) {
      const grad = p.deviceGrad;
      const tensor = p.deviceTensor();
      if (!grad || !tensor) continue;
      const device = tensor.device;
      let state = this.state.get(p);
      const first = !state;
      if (!state) {
        state = {
          step: 0,
          buffers: Object.fromEntries(this.bufferNames().map((name) => [name, Tensor.fromArray(device, new Float32Array(tensor.size), tensor.shape)])),
        };
        this.state.set(p, state);
      }
      state.step++;
      const values = this.scalars(state.step, first);
      const key = values.join(',');
      let scalars = uploads.get(key);
      if (!scalars || scalars.device !== device) {
        scalars = Tensor.fromArray(device, Float32Array.from(values), [4]);
        uploads.set(key, scalars);
      }
      const buffers = Object.values(state.buffers);
      if (this.#unused.length === 0 || this.#unused[0]!.device !== device)
        this.#unused = [0, 1, 2].map(() => Tensor.fromArray(device, new Float32Array(4), [4]));
      const at = (i: number) => (buffers[i] ?? this.#unused[i]!).binding;
      launch(device, kernel, {
        constants: { WORKGROUP_SIZE, ...constants },
        bindings: [grad.binding, scalars.binding, tensor.binding, at(0), at(1), at(2)],
        params: { total: tensor.size, ...params } as never,
        workgroups: Math.ceil(tensor.size / WORKGROUP_SIZE),
      });
      p.markUpdatedOnDevice();
    }
    for (const scalars of uploads.values()) scalars.dispose(); // released once the step's commands are submitted
  }

  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** The state in PyTorch's layout: state by parameter index, and param_groups (read back from the GPU). */
  async stateDict(): Promise<OptimizerStateDict> {
    const state: Record<number, StateEntry> = {};
    for (const [i, p] of this.params.entries()) {
      const s = this.state.get(p);
      if (!s) continue;
      const entry: StateEntry = this.countsSteps ? { step: s.step } : {};
      for (const [name, t] of Object.entries(s.buffers)) {
        const data = await t.toArray();
        entry[name] = {
          data: p.deviceLayout === 'transposed' ? transpose2d(data, [p.shape[1]!, p.shape[0]!]) : data,
          shape: [...p.shape],
        };
      }
      state[i] = entry;
    }
    return { state, param_groups: [{ ...this.group(), params: this.params.map((_, i) => i) }] };
  }

  /** Loads a state from `stateDict()` (or PyTorch's, converted to { data, shape } entries). */
  loadStateDict(dict: OptimizerStateDict): void {
    for (const [i, p] of this.params.entries()) {
      const entry = dict.state[i];
      const tensor = p.deviceTensor();
      if (!entry) continue;
      if (!tensor) throw new TorchError('loadStateDict: run a forward first, so that the parameters are on the device');
      const buffers: Record<string, Tensor> = {};
      for (const name of this.bufferNames()) {
        const value = entry[name] as { data: Float32Array; shape: number[] } | undefined;
        const data = value ? Float32Array.from(value.data) : new Float32Array(tensor.size);
        buffers[name] = Tensor.fromArray(tensor.device, p.deviceLayout === 'transposed' ? transpose2d(data, [p.shape[0]!, p.shape[1]!]) : data, tensor.shape);
      }
      for (const old of Object.values(this.state.get(p)?.buffers ?? {})) old.dispose();
      this.state.set(p, { step: Number(entry.step ?? 0), buffers });
    }
  }
}
