// GPU time of the kit's own work, from `timestamp-query`: while a measurement is open, every compute pass the
// kit records writes a timestamp at its start and end; the sum of the passes is the GPU time.
import { whenSubmitted } from './commandBatch.js';
import { deviceState } from './deviceState.js';

/** The timestamp slots of one measurement. */
export interface Profile {
  querySet: GPUQuerySet;
  /** Timestamp pairs written so far (two slots each). */
  passes: number;
  capacity: number;
}

const open = new WeakMap<GPUDevice, Profile>();

/** The measurement open on `device`, if any: launch.ts gives each pass it records a pair of slots from it. */
export function activeProfile(device: GPUDevice): Profile | undefined {
  return open.get(device);
}

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
  if (open.has(device)) throw new Error('webgpu-layers: measureGpuTime calls cannot be nested on one device');
  const profile: Profile = { querySet: device.createQuerySet({ type: 'timestamp', count: 2 * maxPasses }), passes: 0, capacity: maxPasses };
  open.set(device, profile);
  try {
    record();
  } finally {
    open.delete(device);
  }
  await whenSubmitted(device);
  const bytes = 16 * Math.max(1, profile.passes);
  const resolved = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    if (profile.passes === 0) return { ms: 0, passes: 0 };
    const encoder = device.createCommandEncoder();
    encoder.resolveQuerySet(profile.querySet, 0, 2 * profile.passes, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    deviceState(device).submits++;
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
