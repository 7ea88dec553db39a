// The base of every layer, mirroring torch.nn.Module: created without a device; parameters live on the CPU
// (the source of truth for stateDict) and are uploaded once to the device of the first input they see;
// child modules are registered by attribute name, so state-dict keys are PyTorch's ("fc.0.weight").
import { isGradEnabled } from '../autograd/mode.js';
import { TorchError, WebGPULayersError } from '../core/errors.js';
import { sameShape } from '../core/shape.js';
import type { Tensor, FloatDType } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { linearMessages } from '../ops/linear/messages.js';
import { TORCH_DTYPES } from '../ops/produce.js';
import { CapturedForward } from '../runtime/capture.js';
import { invalidateCaptures } from '../runtime/captureGeneration.js';
import { Buffer, type ModuleBuffer, type Parameter } from './parameter.js';

/**
 * One entry of a state dict: row-major data and its shape (a torch tensor's `.numpy()`, `.shape`). `dtype`: the
 * parameter's ('float16': the values are halves, held exactly in the Float32Array; saveSafetensors writes F16).
 */
export interface ParameterData {
  data: Float32Array;
  shape: readonly number[];
  /** 'float16': a float16 module's values (exact in the Float32Array); 'int64': a count (num_batches_tracked). */
  dtype?: FloatDType | 'int64';
}

export type StateDict = Record<string, ParameterData>;

/** What `loadStateDict` accepts: float32 or float64 arrays, or plain number arrays (e.g. from JSON). */
export type LoadableStateDict = Record<string, { data: Float32Array | Float64Array | readonly number[]; shape: readonly number[]; dtype?: string }>;

export interface LoadStateDictOptions {
  /** As PyTorch's `strict`: missing and unexpected keys are errors (default true). Size mismatches always are. */
  strict?: boolean;
}

/** PyTorch's `_IncompatibleKeys`. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const formatShape = (shape: readonly number[]) => `torch.Size([${shape.join(', ')}])`;

/** Any module, whatever its forward takes and returns (for containers of children). */
// biome-ignore lint/suspicious/noExplicitAny: a container holds children whatever their forward takes
export type AnyModule = Module<unknown, unknown, any[], any[]>;

/**
 * `Out`: what `forward` returns (a Tensor, or values and indices); `CpuOut`: what `forwardCpu` returns; `Extra` /
 * `CpuExtra`: arguments after the input (max unpooling's indices and output size).
 */
export abstract class Module<Out = Tensor, CpuOut = TensorData, Extra extends unknown[] = [], CpuExtra extends unknown[] = []> {
  readonly #children = new Map<string, AnyModule>();
  readonly #parameters = new Map<string, Parameter>();
  /** Buffers by name; null: registered as None in PyTorch (not in the state dict), e.g. trackRunningStats false. */
  readonly #buffers = new Map<string, ModuleBuffer | null>();
  #disposed = false;
  /** What the last forward recorded on the device, to replay on an input of the same shape. */
  #captured: CapturedForward | null = null;
  #training = true;
  /** The first parameter (whose dtype inputs must have), found on the first forward; null for a module without any. */
  #firstParameter: Parameter | null | undefined;

  /** The class name PyTorch would print in state-dict errors (kept explicit so minifiers cannot change it). */
  protected abstract readonly typeName: string;

  protected registerModule<M extends AnyModule>(name: string, module: M): M {
    this.#children.set(name, module);
    return module;
  }

  protected registerParameter(name: string, parameter: Parameter): Parameter {
    this.#parameters.set(name, parameter);
    return parameter;
  }

  protected registerBuffer<B extends ModuleBuffer | null>(name: string, buffer: B): B {
    this.#buffers.set(name, buffer);
    return buffer;
  }

  /** Every buffer under its state-dict key (PyTorch's `named_buffers()`): the module's own, then its children's. */
  namedBuffers(prefix = ''): [string, ModuleBuffer][] {
    const own = [...this.#buffers]
      .filter((entry): entry is [string, ModuleBuffer] => entry[1] !== null)
      .map(([name, b]) => [prefix + name, b] as [string, ModuleBuffer]);
    const nested = [...this.#children].flatMap(([name, child]) => child.namedBuffers(`${prefix}${name}.`));
    return [...own, ...nested];
  }

  /** The buffers (PyTorch's `buffers()`): running statistics and counts, in state-dict order. */
  buffers(): ModuleBuffer[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Every state-dict entry in PyTorch's order: a module's parameters, then its buffers, then its children's. */
  #namedState(prefix = ''): [string, Parameter | ModuleBuffer][] {
    const own = [...this.#parameters, ...[...this.#buffers].filter((entry): entry is [string, ModuleBuffer] => entry[1] !== null)];
    const nested = [...this.#children].flatMap(([name, child]) => child.#namedState(`${prefix}${name}.`));
    return [...own.map(([name, t]) => [prefix + name, t] as [string, Parameter | ModuleBuffer]), ...nested];
  }

  /** This module and every module under it, depth first in registration order (PyTorch's `modules()`). */
  modules(): AnyModule[] {
    return [this as AnyModule, ...[...this.#children.values()].flatMap((child) => child.modules())];
  }

  /** Every parameter under its state-dict key, in registration order (PyTorch's order). */
  namedParameters(prefix = ''): [string, Parameter][] {
    const own = [...this.#parameters].map(([name, p]) => [prefix + name, p] as [string, Parameter]);
    const nested = [...this.#children].flatMap(([name, child]) => child.namedParameters(`${prefix}${name}.`));
    return [...own, ...nested];
  }

  /** The parameters in state-dict order (PyTorch's `parameters()`). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Whether the module is in training mode (PyTorch's `training`): true for a new module. It changes only what it
   * changes in PyTorch (Dropout, BatchNorm's statistics), never whether gradients flow: that is grad mode's
   * (`noGrad`) and `requiresGrad`'s.
   */
  get training(): boolean {
    return this.#training;
  }

  /** Training mode for this module and its children (PyTorch's `train(mode)`); returns the module. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    this.#training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /**
   * Evaluation mode for this module and its children (PyTorch's `eval()`, i.e. `train(false)`). Gradients still
   * flow: inference goes under `noGrad(() => model.forward(x))`.
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Converts every parameter to `dtype` (PyTorch's `module.half()` / `.float()`): float16 rounds the values as torch's
   * `.half()` does; the device copies follow on the next forward. Inputs must then be of that dtype. Returns the module.
   */
  to(dtype: FloatDType): this {
    this.checkUsable();
    if (dtype !== 'float32' && dtype !== 'float16')
      throw new WebGPULayersError('invalid-argument', `to(): dtype must be 'float32' or 'float16', but got ${String(dtype)}`);
    // PyTorch's half() converts the floating buffers too (running statistics), never a count.
    const parameters = [...this.parameters(), ...this.buffers().filter((b): b is Buffer => b instanceof Buffer)];
    if (parameters.some((p) => p.dtype !== dtype)) {
      for (const p of parameters) void p.data; // every update read back first: nothing converts unless all can
      for (const p of parameters) p.to(dtype);
    }
    return this;
  }

  /** The parameters' dtype: 'float32' for a module without any. */
  get dtype(): FloatDType {
    return this.parameters()[0]?.dtype ?? 'float32';
  }

  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * The parameters as they are on the device now (after training), under PyTorch's keys; `data` of each parameter
   * is brought up to date too.
   */
  async readStateDict(): Promise<StateDict> {
    this.checkUsable();
    await Promise.all(this.#namedState().map(([, t]) => t.readBack()));
    return this.stateDict();
  }

  /** Whether this forward records a graph (PyTorch's rule): grad mode on, and the input or a parameter requires grad. */
  protected recordsGraph(input: Tensor): boolean {
    if (!isGradEnabled()) return false;
    return input.requiresGrad || this.parameters().some((p) => p.requiresGrad);
  }

  /** Runs the layer. Bad input shapes throw synchronously, with PyTorch's message, before any GPU work. */
  forward(input: Tensor, ...extra: Extra): Out {
    this.checkUsable();
    this.checkDtype(input);
    if (extra.length > 0 || this.recordsGraph(input)) return this.run(input, ...extra); // a recorded forward is not captured
    // A forward on the shape of the last one replays what that one recorded (src/runtime/capture.ts).
    const replayed = this.#captured?.replay(input);
    if (replayed) return replayed as Out;
    const { result, captured } = CapturedForward.capture(input, () => this.run(input, ...extra));
    this.#captured = captured;
    return result;
  }

  protected abstract run(input: Tensor, ...extra: Extra): Out;

  /**
   * The output shape for an input shape (and the shapes of what follows the input, where the module takes more), or
   * PyTorch's error for it: the same checks as `forward`, with no GPU work.
   */
  abstract outputShape(inputShape: readonly number[], ...extra: never[]): number[];

  /**
   * The same layer on the CPU reference ops, for checking the GPU and for running where there is no WebGPU.
   * Same shapes, same errors.
   */
  forwardCpu(input: TensorData, ...extra: CpuExtra): CpuOut {
    this.checkUsable();
    return this.runCpu(input, ...extra);
  }

  protected abstract runCpu(input: TensorData, ...extra: CpuExtra): CpuOut;

  /**
   * A module with parameters takes inputs of its parameters' dtype (every such module here starts with a Linear: PyTorch's
   * addmm error, thrown before any GPU work). int32 inputs are left to the ops.
   */
  protected checkDtype(input: Tensor): void {
    const dtype = (input as { dtype?: string }).dtype;
    if (this.#firstParameter === undefined) this.#firstParameter = this.parameters()[0] ?? null;
    const parameter = this.#firstParameter;
    if (!parameter || (dtype !== 'float32' && dtype !== 'float16') || dtype === parameter.dtype) return;
    throw new TorchError(linearMessages.dtypeMismatch(TORCH_DTYPES[dtype], TORCH_DTYPES[parameter.dtype]));
  }

  protected checkUsable(): void {
    if (this.#disposed) throw new WebGPULayersError('disposed', `this ${this.typeName} was disposed and cannot be used`);
  }

  /** Copies of the parameters and buffers under PyTorch's keys, in PyTorch's order. */
  stateDict(): StateDict {
    return Object.fromEntries(
      this.#namedState().map(([key, p]) => [
        key,
        p.dtype === 'float32' ? { data: p.data.slice(), shape: [...p.shape] } : { data: p.data.slice(), shape: [...p.shape], dtype: p.dtype },
      ]),
    );
  }

  /**
   * Loads parameters by PyTorch's keys. Every problem is collected and thrown once, in PyTorch's words;
   * unlike PyTorch, nothing is loaded when anything is wrong, so the module stays as it was.
   */
  loadStateDict(stateDict: LoadableStateDict, options: LoadStateDictOptions = {}): IncompatibleKeys {
    this.checkUsable();
    if (typeof stateDict !== 'object' || stateDict === null) throw new TypeError('loadStateDict: expected an object of { data, shape } entries');
    const strict = options.strict ?? true;
    const parameters = new Map(this.#namedState());
    const missingKeys = [...parameters.keys()].filter((key) => !(key in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((key) => !parameters.has(key));
    const problems: string[] = [];
    const updates: [Parameter | ModuleBuffer, Float32Array][] = [];
    for (const [key, parameter] of parameters) {
      if (!(key in stateDict)) continue;
      const entry = stateDict[key]!;
      const problem = checkEntry(key, entry, parameter);
      if (problem) problems.push(problem);
      else updates.push([parameter, Float32Array.from(entry.data)]);
    }
    if (strict && unexpectedKeys.length) problems.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && missingKeys.length) problems.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (problems.length) {
      throw new TorchError(`Error(s) in loading state_dict for ${this.typeName}:\n\t${problems.join('\n\t')}`);
    }
    for (const [parameter, data] of updates) parameter.data = data;
    return { missingKeys, unexpectedKeys };
  }

  /** Releases the module's GPU buffers; a disposed module refuses `forward`. */
  dispose(): void {
    this.#disposed = true;
    this.#captured = null;
    invalidateCaptures(); // a parent's captured forward may run this module's dispatches
    for (const parameter of this.#parameters.values()) parameter.dispose();
    for (const buffer of this.#buffers.values()) buffer?.dispose();
    for (const child of this.#children.values()) child.dispose();
  }
}

/** PyTorch's size-mismatch line, or a clear line for a malformed entry; null when the entry fits. */
function checkEntry(key: string, entry: LoadableStateDict[string], parameter: Parameter | ModuleBuffer): string | null {
  if (typeof entry !== 'object' || entry === null || !Array.isArray(entry.shape)) {
    return `value for ${key} must be { data: Float32Array, shape: number[] }.`;
  }
  const data: unknown = entry.data;
  const isNumeric = data instanceof Float32Array || data instanceof Float64Array || (Array.isArray(data) && data.every((v) => typeof v === 'number'));
  if (!isNumeric) return `value for ${key} must hold numbers (a Float32Array, Float64Array or number[]).`;
  const size = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || entry.data.length !== size) {
    return `value for ${key} has ${entry.data.length} values but shape [${entry.shape.join(', ')}].`;
  }
  if (!sameShape(entry.shape, parameter.shape)) {
    return `size mismatch for ${key}: copying a param with shape ${formatShape(entry.shape)} from checkpoint, the shape in current model is ${formatShape(parameter.shape)}.`;
  }
  return null;
}
