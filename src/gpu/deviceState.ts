// Per-device bookkeeping kept beside a GPUDevice the kit was handed (never one it owns): live buffer bytes,
// the pipeline cache, and whether the device is lost. One WeakMap, so a dropped device frees all of it.

export interface DeviceState {
  liveBytes: number;
  /** Kernel dispatches recorded and command buffers submitted since the device was first used. */
  dispatches: number;
  submits: number;
  pipelines: Map<string, Promise<GPUComputePipeline>>;
  /** Set once `device.lost` resolves; every later use throws this instead of hanging. */
  lostReason: string | null;
}

const states = new WeakMap<GPUDevice, DeviceState>();

export function deviceState(device: GPUDevice): DeviceState {
  let state = states.get(device);
  if (!state) {
    const created: DeviceState = { liveBytes: 0, dispatches: 0, submits: 0, pipelines: new Map(), lostReason: null };
    device.lost.then((info) => {
      created.lostReason = `the GPU device was lost (${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''})`;
    });
    states.set(device, created);
    state = created;
  }
  return state;
}

/** Throws a clear error if the device can no longer run work. */
export function checkDeviceUsable(device: GPUDevice): void {
  const reason = deviceState(device).lostReason;
  if (reason) throw new Error(`webgpu-layers: ${reason}; request a new device`);
}

/** Bytes of GPU buffers the kit has allocated on `device` and not yet released. */
export function liveBytes(device: GPUDevice): number {
  return deviceState(device).liveBytes;
}

/** Number of distinct compute pipelines compiled on `device` (one per kernel variant, never per shape). */
export function compiledPipelineCount(device: GPUDevice): number {
  return deviceState(device).pipelines.size;
}

/** What the kit has done on `device`: live buffer bytes, compiled pipelines, dispatches and submits so far. */
export function gpuStats(device: GPUDevice) {
  const { liveBytes, pipelines, dispatches, submits } = deviceState(device);
  return { liveBytes, pipelines: pipelines.size, dispatches, submits };
}
