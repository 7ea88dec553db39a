// GPU time of the kit's own work, from `timestamp-query`: while a measurement is open, every dispatch the
// kit records gets a compute pass of its own that writes a timestamp at its start and end; the sum of the
// passes is the GPU time. (Outside a measurement, a batch's dispatches share one pass.)
import { WebGPULayersError } from '../core/errors.js';
import { contextOf, type Profile } from './context.js';

/** The `timestampWrites` of the next pass of `profile`, or undefined once its slots are used up. */
export function nextTimestampWrites(profile: Profile): GPUComputePassTimestampWrites | undefined {
  if (profile.passes >= profile.capacity) return undefined;
  const pass = profile.passes++;
  return { querySet: profile.querySet, beginningOfPassWriteIndex: 2 * pass, endOfPassWriteIndex: 2 * pass + 1 };
}

export interface GpuTiming {
  /** Sum of the passes' GPU time, ms. */
  ms: number;
  passes: number;
}

/**
 * Runs `record` (which queues the kit's ops, e.g. a forward pass) and measures the GPU time of the compute passes
 * it queued with `timestamp-query`. Null when the device was created without that feature.
 * @example const timing = await measureGpuTime(device, () => se.forward(x).dispose());
 */
export async function measureGpuTime(device: GPUDevice, record: () => void, maxPasses = 64): Promise<GpuTiming | null> {
  if (!device.features.has('timestamp-query')) return null;
  const context = contextOf(device);
  if (context.profile) throw new WebGPULayersError('invalid-state', 'measureGpuTime calls cannot be nested on one device');
  const profile: Profile = { querySet: device.createQuerySet({ type: 'timestamp', count: 2 * maxPasses }), passes: 0, capacity: maxPasses };
  context.profile = profile;
  try {
    record();
  } finally {
    context.profile = null;
  }
  await context.batch.whenSubmitted();
  const bytes = 16 * Math.max(1, profile.passes);
  const resolved = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    if (profile.passes === 0) return { ms: 0, passes: 0 };
    const encoder = device.createCommandEncoder();
    encoder.resolveQuerySet(profile.querySet, 0, 2 * profile.passes, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    context.counts.submits++;
    await readback.mapAsync(GPUMapMode.READ);
    const stamps = new BigUint64Array(readback.getMappedRange());
    let ns = 0n;
    for (let i = 0; i < profile.passes; i++) ns += stamps[2 * i + 1]! - stamps[2 * i]!;
    readback.unmap();
    return { ms: Number(ns) / 1e6, passes: profile.passes };
  } finally {
    resolved.destroy();
    readback.destroy();
    profile.querySet.destroy();
  }
}
