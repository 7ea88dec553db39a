// Work recorded by kernels in one synchronous stretch of code (a forward pass, a chain of ops) is encoded
// into one command encoder and submitted once, when the pipelines it needs are ready. Buffers released
// meanwhile are destroyed only after that submit, so recorded commands never touch a destroyed buffer.
import { releaseBuffer } from './buffers.js';
import { checkDeviceUsable, deviceState } from './deviceState.js';

export type EncodeFn = (encoder: GPUCommandEncoder, pipeline: GPUComputePipeline | null) => void;

interface RecordedWork {
  pipeline: Promise<GPUComputePipeline> | null;
  encode: EncodeFn;
}

/** The batch now being recorded: when it is submitted, and when WebGPU has validated it. */
interface BatchPromises {
  /** Resolves once submitted; rejects if it could not be (a pipeline failed to compile). */
  submitted: Promise<void>;
  /** Resolves once WebGPU reported no error for it; rejects with the error otherwise. */
  checked: Promise<void>;
}

interface Batcher {
  pending: RecordedWork[];
  pendingReleases: GPUBuffer[];
  current: BatchPromises | null;
  /** The previous batch: batches submit in order. */
  tail: Promise<void>;
  /** The newest batch's check, for `synchronize`. */
  lastChecked: Promise<void>;
  /** Releases owed by the batch whose submit is in progress (it may still be waiting for pipelines). */
  submittingReleases: GPUBuffer[] | null;
}

const batchers = new WeakMap<GPUDevice, Batcher>();

function batcherOf(device: GPUDevice): Batcher {
  let batcher = batchers.get(device);
  if (!batcher) {
    batcher = { pending: [], pendingReleases: [], current: null, tail: Promise.resolve(), lastChecked: Promise.resolve(), submittingReleases: null };
    batchers.set(device, batcher);
  }
  return batcher;
}

/**
 * Records work for the next submit on `device`. Returns a promise that resolves once it is submitted and
 * WebGPU found nothing wrong with it, or rejects with the pipeline-compile or WebGPU error that stopped it.
 */
export function record(device: GPUDevice, pipeline: Promise<GPUComputePipeline> | null, encode: EncodeFn): Promise<void> {
  checkDeviceUsable(device);
  const batcher = batcherOf(device);
  batcher.pending.push({ pipeline, encode });
  if (!batcher.current) {
    // `then` runs after the current synchronous code, so everything it records joins this batch.
    const outcome = batcher.tail.then(() => submit(device, batcher));
    const submitted = outcome.then(() => {});
    const checked = outcome.then(({ validation }) => validation);
    // Reported to whoever awaits the work; never an unhandled rejection.
    submitted.catch(() => {});
    checked.catch(() => {});
    batcher.current = { submitted, checked };
    batcher.lastChecked = checked;
    batcher.tail = submitted.catch(() => {});
  }
  return batcher.current.checked;
}

/** Destroys `buffer` once every command recorded so far that may use it has been submitted. */
export function releaseAfterSubmit(device: GPUDevice, buffer: GPUBuffer): void {
  const batcher = batcherOf(device);
  if (batcher.current) batcher.pendingReleases.push(buffer);
  else if (batcher.submittingReleases) batcher.submittingReleases.push(buffer);
  else releaseBuffer(device, buffer);
}

/** Resolves when every op recorded on `device` so far has been submitted to its queue (not yet run). */
export function whenSubmitted(device: GPUDevice): Promise<void> {
  return batcherOf(device).current?.submitted ?? Promise.resolve();
}

/**
 * Encodes and submits the batch. The error scopes are read afterwards, off the submit's path: waiting for
 * them can take as long as the GPU work itself on some adapters. (Returned in an object so the promise
 * is not flattened into the submit's.)
 */
async function submit(device: GPUDevice, batcher: Batcher): Promise<{ validation: Promise<void> }> {
  const work = batcher.pending;
  const releases = batcher.pendingReleases;
  batcher.pending = [];
  batcher.pendingReleases = [];
  batcher.current = null;
  batcher.submittingReleases = releases;
  try {
    const pipelines = await Promise.all(work.map((w) => w.pipeline));
    checkDeviceUsable(device);
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    const encoder = device.createCommandEncoder({ label: 'webgpu-layers' });
    work.forEach((w, i) => w.encode(encoder, pipelines[i] ?? null));
    device.queue.submit([encoder.finish()]);
    deviceState(device).submits++;
    const scopes = [device.popErrorScope(), device.popErrorScope()];
    const validation = Promise.all(scopes).then(([outOfMemory, invalid]) => {
      const error = outOfMemory ?? invalid;
      if (error) throw new Error(`webgpu-layers: the GPU rejected the work: ${error.message}`);
    });
    return { validation };
  } finally {
    batcher.submittingReleases = null;
    for (const buffer of releases) releaseBuffer(device, buffer);
  }
}

/**
 * Resolves when every op queued on `device` so far has run on the GPU (like torch.cuda.synchronize());
 * rejects with the error that stopped queued work, if any.
 */
export async function synchronize(device: GPUDevice): Promise<void> {
  const batcher = batcherOf(device);
  await batcher.lastChecked;
  await device.queue.onSubmittedWorkDone();
}
