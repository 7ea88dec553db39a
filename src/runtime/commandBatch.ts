// Work recorded by kernels in one synchronous stretch of code (a forward pass, a chain of ops) is encoded
// into one command encoder, its dispatches into one compute pass, and submitted once, when the pipelines it
// needs are ready. Buffers released meanwhile go back to the pool (or are destroyed) only after that submit,
// so recorded commands never touch a buffer that was reused or destroyed. A replayed forward that was alone in
// its last batch is submitted at once instead (`recordAll`): the same one submit, without waiting for the end of
// the synchronous stretch.
import { WebGPULayersError } from '../core/errors.js';
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
  destinationOffset?: number;
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
/** A replayed forward (src/runtime/capture.ts), as the batch knows it: whether its last batch held its commands alone. */
export interface BatchOwner {
  submittedAlone: boolean;
}

function compiled(commands: readonly DispatchCommand[]): boolean {
  for (const command of commands) if (command.pipeline instanceof Promise) return false;
  return true;
}

/** @internal The command batch of one device: records ops, submits them together (docs/architecture.md). */
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
  #lastChecked: Promise<void> = RESOLVED;
  /** Releases owed by the batch whose submit is in progress (it may still be waiting for pipelines). */
  #submittingReleases: Release[] | null = null;
  /** Buffers created as of the last batch checked with error scopes. */
  #buffersAtLastCheck = -1;
  /** Batches recorded and not yet through `#submit` (waiting for the stretch to end, checks or pipelines). */
  #unsubmitted = 0;
  /** The replays in the batch being recorded (`recordAll`), and whether it holds other work too (`record`). */
  #pendingOwners: BatchOwner[] = [];
  #pendingOther = false;
  /** A replay was submitted at once in this synchronous stretch: the replays after it share a batch. */
  #submittedAtOnce = false;
  readonly #endStretch = () => {
    this.#submittedAtOnce = false;
  };

  constructor(context: DeviceContext) {
    this.#context = context;
  }

  /**
   * Records a command for the next submit. Returns a promise that resolves once it is submitted and WebGPU
   * found nothing wrong with it, or rejects with the pipeline-compile or WebGPU error that stopped it.
   */
  record(command: Command): Promise<void> {
    this.#pendingOther = true;
    return this.#record(command);
  }

  #record(command: Command): Promise<void> {
    this.#context.checkUsable();
    this.#context.recorder?.recorded(command);
    this.#pending.push(command);
    if (!this.#current) {
      this.#unsubmitted++;
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

  /**
   * Records a replayed forward's dispatches (src/runtime/capture.ts), as `record` does each; `owner` is the replay.
   * When this replay's last batch held its commands alone and nothing is recorded or waiting now, they are
   * encoded and submitted at once: a forward called on its own, as a loop calls it, reaches the queue before it
   * returns (the end of the synchronous stretch costs as much as encoding on a CPU adapter). Batches without it
   * (a readback between two frames) do not count. A replay called beside other work still shares its batch: the
   * first batch that mixes them turns this off for the next; the replays after one submitted at once in the same
   * stretch share the next batch.
   * Returns what `record` would (rejects with a WebGPU error of the work).
   */
  recordAll(commands: readonly DispatchCommand[], owner: BatchOwner): Promise<void> {
    const context = this.#context;
    context.counts.dispatches += commands.length;
    // The replay checked the context before acquiring its buffers.
    if (this.#unsubmitted === 0 && owner.submittedAlone && !this.#submittedAtOnce && compiled(commands)) {
      this.#submittedAtOnce = true;
      let validation: Promise<void>;
      try {
        validation = this.#encodeSubmitAndCheck(commands, false);
      } catch (error) {
        owner.submittedAlone = false;
        validation = Promise.reject(error as Error);
        validation.catch(() => {});
      }
      this.#lastChecked = validation;
      queueMicrotask(this.#endStretch); // after the submit: off the forward's path
      return validation;
    }
    let checked = RESOLVED;
    for (const command of commands) checked = this.#record(command);
    this.#pendingOwners.push(owner);
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

  /**
   * Resolves when every op recorded so far has been submitted to the queue (not yet run), or could not be (its
   * results' `toArray()` and `synchronize` report why). The newest batch's, not only the one being recorded: an
   * earlier one may still wait for its pipelines.
   */
  whenSubmitted(): Promise<void> {
    return this.#tail;
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
    // Alone: one replay's commands (maybe recorded twice in the stretch) and nothing else.
    const owners = this.#pendingOwners;
    const alone = !this.#pendingOther && owners.every((o) => o === owners[0]);
    this.#pendingOwners = [];
    this.#pendingOther = false;
    for (const owner of owners) owner.submittedAlone = false;
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
      const validation = this.#encodeSubmitAndCheck(commands, pending || checks.length > 0);
      if (alone) for (const owner of owners) owner.submittedAlone = true;
      return { validation };
    } finally {
      this.#unsubmitted--;
      this.#submittingReleases = null;
      for (const [resource, release] of releases) (release as (resource: unknown) => void)(resource);
    }
  }

  /**
   * Encodes and submits `commands` (their pipelines compiled); returns their validation. Error scopes cost four
   * calls into WebGPU per submit (about as much as the rest of a small forward on the CPU). A batch that only
   * reuses pipelines, buffers and bind groups that earlier checked batches used cannot fail validation, so only
   * batches that bring something new are checked: a pipeline just compiled or a caller's buffer (`mustCheck`), a
   * buffer created since the last check, or a bind group created while encoding (the scopes are pushed before
   * it is; encoder errors surface at finish(), inside them).
   */
  #encodeSubmitAndCheck(commands: readonly Command[], mustCheck: boolean): Promise<void> {
    const context = this.#context;
    const { device } = context;
    let checked = false;
    const check = () => {
      if (checked) return;
      checked = true;
      device.pushErrorScope('validation');
      device.pushErrorScope('out-of-memory');
    };
    if (mustCheck || context.counts.buffersCreated !== this.#buffersAtLastCheck) check();
    try {
      this.#encodeAndSubmit(commands, check);
    } catch (error) {
      // Nothing was submitted: leave the error scopes balanced for the batches after this one.
      if (checked) void Promise.all([device.popErrorScope(), device.popErrorScope()]).catch(() => {});
      throw error;
    }
    context.lastSubmitAt = performance.now();
    context.counts.submits++;
    if (!checked) return RESOLVED;
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
    validation.catch(() => {}); // reported to whoever awaits the work
    return validation;
  }

  /** One encoder; dispatches share a compute pass (a timed dispatch gets its own); copies end the pass. */
  #encodeAndSubmit(commands: readonly Command[], beforeCreate: () => void): void {
    const context = this.#context;
    const encoder = context.device.createCommandEncoder();
    let pass: GPUComputePassEncoder | null = null;
    let bound: GPUComputePipeline | null = null;
    for (const command of commands) {
      if (command.kind !== 'dispatch') {
        pass?.end();
        pass = null;
        if (command.kind === 'copy')
          encoder.copyBufferToBuffer(command.source, command.sourceOffset ?? 0, command.destination, command.destinationOffset ?? 0, command.size);
        else
          encoder.copyTextureToBuffer({ texture: command.texture }, { buffer: command.destination, bytesPerRow: command.bytesPerRow }, [
            command.width,
            command.height,
          ]);
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
