// Getting and keeping a GPUDevice in a browser app. Chromium sometimes fails a first requestDevice ("A valid
// external Instance reference no longer exists", seen in about one headless run in five here): a fresh adapter
// fixes it, so the kit retries once. Without WebGPU the error says why, so an app can show the reason and fall
// back to the CPU reference. A DeviceKeeper replaces a lost device and tells the app.
import { autotune } from './autotune.js';
import { WebGPULayersError } from '../core/errors.js';

export interface BrowserDeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** 'adapter' (default): the adapter's storage-binding and buffer limits, for big tensors; 'default': WebGPU's. */
  limits?: 'adapter' | 'default';
  /** Time the kernel strategies on the new device (default true; a fraction of a second on a GPU). */
  autotune?: boolean;
  /** The WebGPU entry point (default `navigator.gpu`). */
  gpu?: GPU;
}

async function attempt(gpu: GPU, options: BrowserDeviceOptions): Promise<GPUDevice> {
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  if (!adapter) throw new WebGPULayersError('no-adapter', 'WebGPU is present but no adapter is available');
  const requiredLimits =
    options.limits === 'default'
      ? {}
      : {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
        };
  // GPU timing where the adapter has it. float16 tensors are packed halves on every adapter: no kernel uses shader-f16.
  const requiredFeatures = (['timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const isFallbackAdapter = Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  // What the page shows about the adapter rides on the device itself, so Node's and the browser's helpers give one type.
  const label = `WebGPU on ${name}${isFallbackAdapter ? ' (software)' : ''}`;
  return adapter.requestDevice({ label, requiredLimits, requiredFeatures });
}

/**
 * A device from the browser's WebGPU, retried once with a fresh adapter when the first attempt fails. Throws a
 * `no-adapter` WebGPULayersError saying why when there is no WebGPU or no adapter: show it and use the CPU
 * reference (`module.forwardCpu`).
 * @example const device = await requestBrowserDevice(); status.textContent = device.label; // "WebGPU on google swiftshader (software)"
 */
export async function requestBrowserDevice(options: BrowserDeviceOptions = {}): Promise<GPUDevice> {
  const gpu = options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) throw new WebGPULayersError('no-adapter', 'this browser has no WebGPU (navigator.gpu is missing)');
  let acquired: GPUDevice;
  try {
    acquired = await attempt(gpu, options);
  } catch (first) {
    try {
      acquired = await attempt(gpu, options);
    } catch (second) {
      const reason = (second as Error).message.replace(/^webgpu-layers: /, '');
      throw new WebGPULayersError('no-adapter', `no WebGPU device (tried twice: ${(first as Error).message.replace(/^webgpu-layers: /, '')}; then ${reason})`);
    }
  }
  if (options.autotune ?? true) await autotune(acquired, { runs: 3 });
  return acquired;
}

/**
 * Keeps a working device for a page: when the device is lost (a driver reset, another library destroying it),
 * it gets a new one and calls the listeners, so the page keeps working. Modules move their parameters to the new
 * device on their next forward; tensors of the lost device must be made again.
 * @example const keeper = await DeviceKeeper.create(); keeper.onReplaced((device) => redraw(device));
 */
export class DeviceKeeper {
  #current: GPUDevice;
  #listeners: ((device: GPUDevice, reason: string) => void)[] = [];
  #disposed = false;
  /** Resolves when a lost device has been replaced (or rejects when no new one could be had). */
  replaced: Promise<GPUDevice> | null = null;

  private constructor(
    acquired: GPUDevice,
    readonly options: BrowserDeviceOptions,
  ) {
    this.#current = acquired;
    this.#watch(acquired);
  }

  static async create(options: BrowserDeviceOptions = {}): Promise<DeviceKeeper> {
    return new DeviceKeeper(await requestBrowserDevice(options), options);
  }

  get device(): GPUDevice {
    return this.#current;
  }

  /** Calls `listener` with each new device after a loss, and the reason of the loss. */
  onReplaced(listener: (device: GPUDevice, reason: string) => void): void {
    this.#listeners.push(listener);
  }

  #watch(acquired: GPUDevice): void {
    acquired.lost.then((info) => {
      if (this.#disposed || acquired !== this.#current) return;
      const reason = `${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      this.replaced = requestBrowserDevice(this.options).then((next) => {
        this.#current = next;
        this.#watch(next);
        for (const listener of this.#listeners) listener(next, reason);
        return next;
      });
      this.replaced.catch(() => {}); // reported to whoever awaits `replaced`
    });
  }

  /** Stops replacing devices and destroys the current one. */
  dispose(): void {
    this.#disposed = true;
    this.#current.destroy();
  }
}
