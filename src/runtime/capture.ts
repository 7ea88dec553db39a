// Captured forwards, like CUDA graphs: a module's forward on an input shape records the same dispatches every
// time (the same pipelines, parameter uniforms and weights, grids and buffer sizes), only the input's buffer and
// the buffers it allocates change. So each module keeps what its last forward did on the device, and a forward
// on the same shape replays it: it acquires the same buffers from the pool, records the same dispatches with the
// new buffers bound, and releases the intermediates, without running the module's JavaScript (plans, checks,
// strategies, packing, cache lookups). Anything a replay could not reproduce exactly makes the forward
// uncapturable (uploads, copies, readbacks, a caller's buffer, timestamps, extra arguments); anything that
// changes what a forward would record (a kernel strategy, a parameter, a disposed module, an evicted uniform)
// invalidates every capture (`invalidateCaptures`).
import type { FreeList } from './allocator.js';
import type { BatchOwner, Command, DispatchCommand } from './commandBatch.js';
import { captureGeneration } from './captureGeneration.js';
import { contextOf, type DeviceContext } from './context.js';

/** What a capture sees of a tensor (the runtime imports no tensor: src/core/tensor.ts registers its kind). */
export interface CapturableTensor {
  readonly device: GPUDevice;
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: string;
  readonly memoryFormat: string;
  readonly isDisposed: boolean;
  readonly buffer: GPUBuffer;
  readonly binding: GPUBufferBinding;
  /** The buffer of a live tensor in a pooled buffer, else null: what a replay can bind. */
  readonly replayableBuffer: GPUBuffer | null;
}

/** How the runtime recognises tensors and makes a replay's outputs. */
export interface TensorKind {
  is(value: unknown): value is CapturableTensor;
  onPooledBuffer(context: DeviceContext, buffer: GPUBuffer, output: CapturedOutput, written: Promise<void>): CapturableTensor;
}

let tensors: TensorKind | null = null;

/** @internal Called once, by src/core/tensor.ts. */
export function registerTensorKind(kind: TensorKind): void {
  tensors = kind;
}

const layoutOf = (t: CapturableTensor) => `${t.dtype} ${t.memoryFormat}`;

/** Command lists a capture keeps for the buffers its replays were handed (see `#commandsFor`). */
const RECENT_REPLAYS = 4;

/** Where a captured dispatch's binding comes from at replay. */
type BindingSource =
  | { from: 'input' }
  | { from: 'allocation'; index: number; offset: number | undefined; size: number | undefined }
  | { from: 'fixed'; binding: GPUBufferBinding };

interface CapturedDispatch {
  pipeline: DispatchCommand['pipeline'];
  pipelineKey: string;
  grid: DispatchCommand['grid'];
  bindings: BindingSource[];
}

/** An output of a captured forward: its allocation, shape, element type and layout. */
export interface CapturedOutput {
  allocation: number;
  shape: readonly number[];
  size: number;
  dtype: string;
  memoryFormat: string;
}

/** Watches one forward on one device context (`context.recorder`), through the allocator, batch and uploads. */
export class ForwardRecorder {
  /** The buffers the forward allocated (outputs, and intermediates released before it returned), and their free lists. */
  readonly buffers: GPUBuffer[] = [];
  readonly freeLists: FreeList[] = [];
  readonly commands: DispatchCommand[] = [];
  readonly releases: GPUBuffer[] = [];
  spoiled = false;

  /** A tensor's buffer acquired from the pool (Tensor.empty). */
  allocated(buffer: GPUBuffer, list: FreeList): void {
    this.buffers.push(buffer);
    this.freeLists.push(list);
  }

  recorded(command: Command): void {
    if (command.kind === 'dispatch' && !command.timestampWrites) this.commands.push(command);
    else this.spoiled = true;
  }

  /** A tensor's buffer going back to the pool. */
  released(buffer: GPUBuffer): void {
    this.releases.push(buffer);
  }

  /** Something a replay would not redo happened (an upload, a check of a caller's buffer). */
  spoil(): void {
    this.spoiled = true;
  }
}

/** What one forward did, for a forward on the same input shape to do again. */
export class CapturedForward implements BatchOwner {
  /** Its last batch held its commands alone: the next replay may submit at once (CommandBatch.recordAll). */
  submittedAlone = false;
  readonly #context: DeviceContext;
  readonly #device: GPUDevice;
  readonly #generation: number;
  readonly #shape: readonly number[];
  /** The input's element type and layout, which a replay's input must share (its kernels were chosen for them). */
  readonly #layout: string;
  readonly #dispatches: CapturedDispatch[];
  /** Allocations released inside the forward (intermediates), in order. */
  readonly #releases: number[];
  readonly #outputs: CapturedOutput[];
  readonly #tuple: boolean;
  /** This replay's buffers. */
  readonly #buffers: GPUBuffer[];
  /**
   * The commands of the last few replays, most recent first, with the buffers they bind (their bind groups are
   * set once encoded). Intermediates of one size bucket come back from the pool in another order from one
   * forward to the next (they swap), so a replay keeps more than one.
   */
  readonly #recent: { input: GPUBuffer; buffers: GPUBuffer[]; commands: DispatchCommand[] }[] = [];
  readonly #freeLists: FreeList[];
  readonly #wholeInput: number;

  private constructor(
    context: DeviceContext,
    startGeneration: number,
    shape: readonly number[],
    layout: string,
    wholeInput: number,
    freeLists: FreeList[],
    dispatches: CapturedDispatch[],
    releases: number[],
    outputs: CapturedOutput[],
    tuple: boolean,
  ) {
    this.#context = context;
    this.#device = context.device;
    this.#generation = startGeneration;
    this.#shape = shape;
    this.#layout = layout;
    this.#dispatches = dispatches;
    this.#releases = releases;
    this.#outputs = outputs;
    this.#tuple = tuple;
    this.#buffers = new Array<GPUBuffer>(freeLists.length);
    this.#freeLists = freeLists;
    this.#wholeInput = wholeInput;
  }

  /**
   * Runs `forward` on `input` and watches it: returns its result, and what it did when a replay can redo it
   * exactly (else null). A forward inside another's capture (a child module) just runs.
   */
  static capture<Out>(input: CapturableTensor, forward: () => Out): { result: Out; captured: CapturedForward | null } {
    const inputBuffer = tensors!.is(input) ? input.replayableBuffer : null;
    const context = inputBuffer && contextOf(input.device);
    if (!context || context.recorder || context.profile) return { result: forward(), captured: null };
    const recorder = new ForwardRecorder();
    const startGeneration = captureGeneration();
    context.recorder = recorder;
    let result: Out;
    try {
      result = forward();
    } finally {
      context.recorder = null;
    }
    return { result, captured: CapturedForward.#from(context, startGeneration, input, inputBuffer, recorder, result) };
  }

  static #from(
    context: DeviceContext,
    startGeneration: number,
    input: CapturableTensor,
    inputBuffer: GPUBuffer,
    recorder: ForwardRecorder,
    result: unknown,
  ): CapturedForward | null {
    if (recorder.spoiled) return null;
    const tuple = Array.isArray(result);
    const results: unknown[] = tuple ? result : [result];
    const allocationOf = new Map(recorder.buffers.map((buffer, i) => [buffer, i]));
    // Every output is a tensor on a buffer of its own that this forward allocated.
    const outputs: CapturedOutput[] = [];
    for (const output of results) {
      if (!tensors!.is(output) || output.isDisposed || output.device !== input.device) return null;
      const allocation = allocationOf.get(output.buffer);
      if (allocation === undefined || outputs.some((o) => o.allocation === allocation)) return null;
      outputs.push({ allocation, shape: output.shape, size: output.size, dtype: output.dtype, memoryFormat: output.memoryFormat });
    }
    // Every other allocation was released inside the forward, once.
    const releases = recorder.releases.map((buffer) => allocationOf.get(buffer) ?? -1);
    if (releases.includes(-1) || new Set(releases).size !== releases.length) return null;
    if (releases.length + outputs.length !== recorder.buffers.length || outputs.some((o) => releases.includes(o.allocation))) return null;
    const wholeInput = input.binding.size!; // its bytes, rounded up to the pool's alignment
    const dispatches: CapturedDispatch[] = [];
    for (const command of recorder.commands) {
      const bindings: BindingSource[] = [];
      for (const binding of command.bindings) {
        const allocation = allocationOf.get(binding.buffer);
        if (binding.buffer === inputBuffer) {
          // The whole input (a piece of it depends on its buffer's length, which another input may not share).
          if ((binding.offset ?? 0) !== 0 || binding.size !== wholeInput) return null;
          bindings.push({ from: 'input' });
        } else if (allocation !== undefined) bindings.push({ from: 'allocation', index: allocation, offset: binding.offset, size: binding.size });
        else bindings.push({ from: 'fixed', binding });
      }
      dispatches.push({ pipeline: command.pipeline, pipelineKey: command.pipelineKey, grid: command.grid, bindings });
    }
    return new CapturedForward(context, startGeneration, input.shape, layoutOf(input), wholeInput, recorder.freeLists, dispatches, releases, outputs, tuple);
  }

  /**
   * The forward done again on `input`, or null when this capture does not apply (another shape or device, a
   * caller's buffer, something changed since): then the module runs its forward as usual.
   */
  replay(input: CapturableTensor): unknown {
    if (captureGeneration() !== this.#generation || input.device !== this.#device || layoutOf(input) !== this.#layout) return null;
    const shape = input.shape;
    const captured = this.#shape;
    if (shape.length !== captured.length) return null;
    for (let i = 0; i < shape.length; i++) if (shape[i] !== captured[i]) return null;
    const inputBuffer = input.replayableBuffer;
    const context = this.#context;
    if (!inputBuffer || context.profile || context.recorder) return null;
    context.checkUsable();
    const buffers = this.#buffers;
    const allocator = context.allocator;
    for (let i = 0; i < buffers.length; i++) buffers[i] = allocator.acquireFrom(this.#freeLists[i]!);
    const written = context.batch.recordAll(this.#commandsFor(inputBuffer), this);
    for (const index of this.#releases) context.batch.releaseAfterSubmit(buffers[index]!, context.allocator.release);
    const outputs = this.#outputs;
    if (!this.#tuple) {
      const output = outputs[0]!;
      return tensors!.onPooledBuffer(context, buffers[output.allocation]!, output, written);
    }
    return outputs.map((output) => tensors!.onPooledBuffer(context, buffers[output.allocation]!, output, written));
  }

  /**
   * The captured dispatches with `input` and this replay's buffers bound: a recent replay's commands when it
   * bound the same buffers (the pool hands back the buffers of the forwards before, once disposed), bind groups
   * included; else new ones, whose bind groups come from the cache. A buffer a recent replay bound cannot have
   * been destroyed and then handed out again: the pool never hands out a destroyed buffer.
   */
  #commandsFor(input: GPUBuffer): DispatchCommand[] {
    const buffers = this.#buffers;
    const recent = this.#recent;
    for (let r = 0; r < recent.length; r++) {
      const entry = recent[r]!;
      if (entry.input !== input) continue;
      let same = true;
      for (let i = 0; i < buffers.length && same; i++) same = entry.buffers[i] === buffers[i];
      if (same) return entry.commands;
    }
    const wholeInput = this.#wholeInput;
    const ready = this.#context.readyPipelines;
    const commands: DispatchCommand[] = this.#dispatches.map(({ pipeline, pipelineKey, grid, bindings }) => ({
      kind: 'dispatch',
      pipeline: pipeline instanceof Promise ? (ready.get(pipelineKey) ?? pipeline) : pipeline,
      pipelineKey,
      grid,
      bindings: bindings.map((source) =>
        source.from === 'fixed'
          ? source.binding
          : source.from === 'input'
            ? { buffer: input, offset: 0, size: wholeInput }
            : { buffer: buffers[source.index]!, offset: source.offset, size: source.size },
      ),
    }));
    recent.unshift({ input, buffers: buffers.slice(), commands });
    if (recent.length > RECENT_REPLAYS) recent.pop();
    return commands;
  }
}
