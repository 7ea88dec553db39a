// Work recorded by kernels in one synchronous stretch of code (a forward pass, a chain of ops) is encoded
// into one command encoder, its dispatches into one compute pass, and submitted once, when the pipelines it
// needs are ready. Buffers released meanwhile go back to the pool (or are destroyed) only after that submit,
// so recorded commands never touch a buffer that was reused or destroyed.
import { WebGPULayersError } from '../errors.js';
import type { DeviceContext } from './context.js';

/** A kernel dispatch: its pipeline (maybe still compiling), what it binds, and its grid. */
export interface DispatchCommand {
  kind: 'dispatch';
  pipeline: GPUComputePipeline | Promise<GPUComputePipeline>;
  /** The pipeline cache's key: bind groups are cached per pipeline. */
  pipelineKey: string;
  bindings: GPUBufferBinding[];
  grid: readonly [number, number, number];
  /** measureGpuTime is open: this dispatch gets a pass of its own that writes timestamps. */
  timestampWrites?: GPUComputePassTimestampWrites;
  /** The bind group of `bindings`: set when encoded, or beforehand by a replay that bound the same buffers. */
  bindGroup?: GPUBindGroup;
}

export interface CopyCommand {
  kind: 'copy';
  source: GPUBuffer;
  sourceOffset?: number;
  destination: GPUBuffer;
  size: number;
}

/** A texture's pixels into a buffer (Tensor.fromImage). */
export interface TextureCopyCommand {
  kind: 'textureToBuffer';
  texture: GPUTexture;
  destination: GPUBuffer;
  bytesPerRow: number;
  width: number;
  height: number;
}

export type Command = DispatchCommand | CopyCommand | TextureCopyCommand;

/** The batch now being recorded: when it is submitted, and when WebGPU has validated it. */
interface BatchPromises {
  /** Resolves once submitted; rejects if it could not be (a pipeline failed to compile). */
  submitted: Promise<void>;
  /** Resolves once WebGPU reported no error for it; rejects with the error otherwise. */
  checked: Promise<void>;
}

type Release = [unknown, (resource: never) => void];

const RESOLVED = Promise.resolve();

export class CommandBatch {
  readonly #context: DeviceContext;
  #pending: Command[] = [];
  #pendingReleases: Release[] = [];
  /** Checks the batch now being recorded must pass before it is submitted (a caller's buffer's device). */
  #pendingChecks: Promise<void>[] = [];
  #current: BatchPromises | null = null;
  /** The previous batch: batches submit in order. */
  #tail: Promise<void> = Promise.resolve();
  /** The newest batch's check, for `synchronize`. */
  #lastChecked: Promise<void> = Promise.resolve();
  /** Releases owed by the batch whose submit is in progress (it may still be waiting for pipelines). */
  #submittingReleases: Release[] | null = null;
  /** Buffers created as of the last batch checked with error scopes. */
  #buffersAtLastCheck = -1;

  constructor(context: DeviceContext) {
    this.#context = context;
  }

  /**
   * Records a command for the next submit. Returns a promise that resolves once it is submitted and WebGPU
   * found nothing wrong with it, or rejects with the pipeline-compile or WebGPU error that stopped it.
   */
  record(command: Command): Promise<void> {
    this.#context.checkUsable();
    this.#context.recorder?.recorded(command);
    this.#pending.push(command);
    if (!this.#current) {
      // `then` runs after the current synchronous code, so everything it records joins this batch.
      const outcome = this.#tail.then(() => this.#submit());
      const submitted = outcome.then(() => {});
      const checked = outcome.then(({ validation }) => validation);
      // Reported to whoever awaits the work; never an unhandled rejection.
      submitted.catch(() => {});
      checked.catch(() => {});
      this.#current = { submitted, checked };
      this.#lastChecked = checked;
      this.#tail = submitted.catch(() => {});
    }
    return this.#current.checked;
  }

  /** Records several dispatches (a replayed forward: src/gpu/capture.ts), as `record` does each. */
  recordAll(commands: readonly DispatchCommand[]): Promise<void> {
    let checked = RESOLVED;
    for (const command of commands) checked = this.record(command);
    this.#context.counts.dispatches += commands.length;
    return checked;
  }

  /**
   * Makes the batch being recorded wait for `check` before it is submitted; if the check fails, nothing of the
   * batch is submitted and its work rejects with the check's error. Call right after recording the work.
   */
  requireBeforeSubmit(check: Promise<void>): void {
    this.#context.recorder?.spoil();
    this.#pendingChecks.push(check);
  }

  /**
   * Hands `buffer` to `release` (the pool, or destroy) once every command recorded so far that may use it has
   * been submitted: at once when none is waiting.
   */
  releaseAfterSubmit<T>(resource: T, release: (resource: T) => void): void {
    if (this.#current) this.#pendingReleases.push([resource, release as (resource: never) => void]);
    else if (this.#submittingReleases) this.#submittingReleases.push([resource, release as (resource: never) => void]);
    else release(resource);
  }

  /** Resolves when every op recorded so far has been submitted to the queue (not yet run). */
  whenSubmitted(): Promise<void> {
    return this.#current?.submitted ?? Promise.resolve();
  }

  /** Resolves when every op queued so far has run on the GPU; rejects with the error that stopped queued work. */
  async synchronize(): Promise<void> {
    await this.#lastChecked;
    await this.#context.device.queue.onSubmittedWorkDone();
  }

  /**
   * Encodes and submits the batch. The error scopes are read afterwards, off the submit's path: waiting for
   * them can take as long as the GPU work itself on some adapters. (Returned in an object so the promise
   * is not flattened into the submit's.)
   */
  async #submit(): Promise<{ validation: Promise<void> }> {
    const commands = this.#pending;
    const releases = this.#pendingReleases;
    const checks = this.#pendingChecks;
    this.#pending = [];
    this.#pendingReleases = [];
    this.#pendingChecks = [];
    this.#current = null;
    this.#submittingReleases = releases;
    const context = this.#context;
    try {
      if (checks.length) await Promise.all(checks);
      // Waits only for pipelines still compiling (a steady-state forward has none).
      const pending = commands.some((c) => c.kind === 'dispatch' && c.pipeline instanceof Promise);
      if (pending) {
        const compiled = await Promise.all(commands.map((c) => (c.kind === 'dispatch' ? c.pipeline : null)));
        commands.forEach((c, i) => {
          if (c.kind === 'dispatch') c.pipeline = compiled[i]!;
        });
      }
      context.checkUsable();
      const { device } = context;
      // Error scopes cost four calls into WebGPU per submit (about as much as the rest of a small forward on
      // the CPU). A batch that only reuses pipelines, buffers and bind groups that earlier checked batches used
      // cannot fail validation, so only batches that bring something new are checked: a pipeline just
      // compiled, a buffer created since the last check, or a bind group created while encoding (the scopes are
      // pushed before it is; encoder errors surface at finish(), inside them).
      let checked = false;
      const check = () => {
        if (checked) return;
        checked = true;
        device.pushErrorScope('validation');
        device.pushErrorScope('out-of-memory');
      };
      if (context.counts.buffersCreated !== this.#buffersAtLastCheck || pending || checks.length) check();
      try {
        this.#encodeAndSubmit(commands, check);
      } catch (error) {
        // Nothing was submitted: leave the error scopes balanced for the batches after this one.
        if (checked) void Promise.all([device.popErrorScope(), device.popErrorScope()]).catch(() => {});
        throw error;
      }
      context.lastSubmitAt = performance.now();
      context.counts.submits++;
      if (!checked) return { validation: Promise.resolve() };
      this.#buffersAtLastCheck = context.counts.buffersCreated;
      context.counts.checkedSubmits++;
      const scopes = [device.popErrorScope(), device.popErrorScope()];
      const validation = Promise.all(scopes).then(([outOfMemory, invalid]) => {
        const error = outOfMemory ?? invalid;
        if (error) {
          this.#buffersAtLastCheck = -1; // check the next batch too
          throw new WebGPULayersError('gpu-rejected', `the GPU rejected the work: ${error.message}`);
        }
      });
      return { validation };
    } finally {
      this.#submittingReleases = null;
      for (const [resource, release] of releases) (release as (resource: unknown) => void)(resource);
    }
  }

  /** One encoder; dispatches share a compute pass (a timed dispatch gets its own); copies end the pass. */
  #encodeAndSubmit(commands: Command[], beforeCreate: () => void): void {
    const context = this.#context;
    const encoder = context.device.createCommandEncoder();
    let pass: GPUComputePassEncoder | null = null;
    let bound: GPUComputePipeline | null = null;
    for (const command of commands) {
      if (command.kind !== 'dispatch') {
        pass?.end();
        pass = null;
        if (command.kind === 'copy') encoder.copyBufferToBuffer(command.source, command.sourceOffset ?? 0, command.destination, 0, command.size);
        else encoder.copyTextureToBuffer({ texture: command.texture }, { buffer: command.destination, bytesPerRow: command.bytesPerRow }, [command.width, command.height]);
        continue;
      }
      const pipeline = command.pipeline as GPUComputePipeline; // compiled: #submit awaited any still compiling
      const bindGroup = (command.bindGroup ??= context.bindGroups.get(command.pipelineKey, pipeline, command.bindings, beforeCreate));
      if (command.timestampWrites) {
        pass?.end();
        pass = null;
        const timed = encoder.beginComputePass({ label: command.pipelineKey, timestampWrites: command.timestampWrites });
        timed.setPipeline(pipeline);
        timed.setBindGroup(0, bindGroup);
        timed.dispatchWorkgroups(...command.grid);
        timed.end();
        continue;
      }
      if (!pass) {
        pass = encoder.beginComputePass();
        bound = null;
      }
      if (bound !== pipeline) pass.setPipeline((bound = pipeline));
      pass.setBindGroup(0, bindGroup);
      const [x, y, z] = command.grid;
      pass.dispatchWorkgroups(x, y, z);
    }
    pass?.end();
    context.device.queue.submit([encoder.finish()]);
  }
}
