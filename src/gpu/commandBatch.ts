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

interface Batcher {
  pending: RecordedWork[];
  pendingReleases: GPUBuffer[];
  /** Resolves when the batch now being recorded has been submitted (rejects if it could not be). */
  current: Promise<void> | null;
  /** The previous batch: batches submit in order. */
  tail: Promise<void>;
  /** Releases owed by the batch whose submit is in progress (it may still be waiting for pipelines). */
  submittingReleases: GPUBuffer[] | null;
}

const batchers = new WeakMap<GPUDevice, Batcher>();

function batcherOf(device: GPUDevice): Batcher {
  let batcher = batchers.get(device);
  if (!batcher) {
    batcher = { pending: [], pendingReleases: [], current: null, tail: Promise.resolve(), submittingReleases: null };
    batchers.set(device, batcher);
  }
  return batcher;
}

/**
 * Records work for the next submit on `device`. Returns a promise that resolves once it is submitted,
 * or rejects with the pipeline-compile or WebGPU validation error that stopped it.
 */
export function record(device: GPUDevice, pipeline: Promise<GPUComputePipeline> | null, encode: EncodeFn): Promise<void> {
  checkDeviceUsable(device);
  const batcher = batcherOf(device);
  batcher.pending.push({ pipeline, encode });
  if (!batcher.current) {
    // `then` runs after the current synchronous code, so everything it records joins this batch.
    const submitted = batcher.tail.then(() => submit(device, batcher));
    submitted.catch(() => {}); // reported to whoever awaits the work; never an unhandled rejection
    batcher.current = submitted;
    batcher.tail = submitted.catch(() => {});
  }
  return batcher.current;
}

/** Destroys `buffer` once every command recorded so far that may use it has been submitted. */
export function releaseAfterSubmit(device: GPUDevice, buffer: GPUBuffer): void {
  const batcher = batcherOf(device);
  if (batcher.current) batcher.pendingReleases.push(buffer);
  else if (batcher.submittingReleases) batcher.submittingReleases.push(buffer);
  else releaseBuffer(device, buffer);
}

/** Resolves when everything recorded on `device` so far has been submitted. */
export function flushed(device: GPUDevice): Promise<void> {
  return batcherOf(device).current ?? Promise.resolve();
}

async function submit(device: GPUDevice, batcher: Batcher): Promise<void> {
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
    const outOfMemory = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const error = outOfMemory ?? validation;
    if (error) throw new Error(`webgpu-layers: the GPU rejected the work: ${error.message}`);
  } finally {
    batcher.submittingReleases = null;
    for (const buffer of releases) releaseBuffer(device, buffer);
  }
}
