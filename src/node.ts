// webgpu-layers/node: a GPUDevice in Node through Dawn (the `webgpu` npm package). A hardware adapter when
// there is one; otherwise a software one: SwiftShader (Vulkan, shipped by Debian's chromium) or Mesa
// llvmpipe (OpenGL ES, WebGPU compatibility mode).
/// <reference types="@webgpu/types" preserve="true" />
import { existsSync } from 'node:fs';
import { autotune } from './device/autotune.js';
import { WebGPULayersError } from './core/errors.js';
import { contextOf } from './runtime/context.js';
import { probeLoopLimit } from './runtime/loopLimit.js';

/**
 * Dawn for Node, the `webgpu` package: a peer dependency (browser-only users need not install it), loaded here
 * so that a missing one is a clear error when a device is asked for, not a failed import.
 */
let dawnError: Error | null = null;
const dawn: typeof import('webgpu') | null = await import('webgpu').catch((error: Error) => {
  dawnError = error;
  return null;
});

function requireDawn(): typeof import('webgpu') {
  if (dawn) return dawn;
  const missing = (dawnError as (Error & { code?: string }) | null)?.code === 'ERR_MODULE_NOT_FOUND';
  throw new WebGPULayersError(
    'no-adapter',
    missing
      ? "webgpu-layers/node needs Dawn for Node, the 'webgpu' package (a peer dependency): npm install webgpu"
      : `webgpu-layers/node could not load the 'webgpu' package (Dawn for Node): ${dawnError?.message}`,
  );
}

export type AdapterChoice = 'auto' | 'hardware' | 'swiftshader' | 'llvmpipe';

export interface RequestDeviceOptions {
  /**
   * Which adapter to use. Default: the `WEBGPU_LAYERS_ADAPTER` environment variable, else 'auto' — a
   * hardware GPU if Dawn finds one, else the default software adapter (`DEFAULT_SOFTWARE_ADAPTER`).
   */
  adapter?: AdapterChoice;
  /** Do not print the chosen adapter to stderr (also: WEBGPU_LAYERS_QUIET=1). */
  quiet?: boolean;
  /**
   * 'adapter' (default): request the adapter's own limits, so big tensors get what the hardware allows.
   * 'default': WebGPU's default limits (a 128 MiB storage binding, 256 MiB buffers), as most browsers give.
   */
  limits?: 'adapter' | 'default';
  /**
   * Time each kernel strategy on this device and keep the fastest (default true; a second or two on a
   * software adapter). Also: WEBGPU_LAYERS_AUTOTUNE=0.
   */
  autotune?: boolean;
}

/**
 * The software adapter 'auto' falls back to. Chosen by measurement on this project's machines
 * (bench/adapters.mjs, `npm run bench:adapters`).
 */
export const DEFAULT_SOFTWARE_ADAPTER: 'swiftshader' | 'llvmpipe' = 'llvmpipe';

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest. */
const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib/chromium-browser/vk_swiftshader_icd.json'];

const INSTALL_HINT =
  'On Debian/Ubuntu: `apt-get install chromium libvulkan1` (SwiftShader, a Vulkan software driver) and/or ' +
  '`apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri` (Mesa llvmpipe); with a GPU, install its Vulkan driver.';

let globalsInstalled = false;

/**
 * Each device keeps its Dawn instance alive: if the instance were collected, Dawn would crash in the
 * device's next async callback. Held weakly, so a script whose devices are gone still exits by itself.
 */
const instanceOf = new WeakMap<GPUDevice, GPU>();

/** Dawn's GPUBufferUsage, GPUMapMode, ... as globals, as a browser has them; done once. */
export function installWebGPUGlobals(): void {
  if (globalsInstalled) return;
  Object.assign(globalThis, requireDawn().globals);
  globalsInstalled = true;
}

function swiftShaderIcd(): string | undefined {
  return SWIFTSHADER_ICDS.find((path) => existsSync(path));
}

/** Describes an adapter in one line, e.g. "google swiftshader (SwiftShader driver 5.0.0), software". */
export function describeAdapter(info: GPUAdapterInfo, isSoftware: boolean): string {
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || info.device || 'unknown adapter';
  return `${name} (${info.description || info.device}), ${isSoftware ? 'software' : 'hardware'}`;
}

function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|softpipe|warp|software/.test(text);
}

interface Found {
  gpu: GPU;
  adapter: GPUAdapter;
  choice: Exclude<AdapterChoice, 'auto'>;
}

interface Candidate {
  gpu: GPU;
  adapter: GPUAdapter | null;
}

/**
 * Runs `fn` with environment variables set, then restores them: the Vulkan loader and EGL read them when
 * Dawn discovers adapters, and the user's process environment should not keep our choice afterwards.
 */
async function withEnvironment<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The loader complains without XDG_RUNTIME_DIR; any writable directory will do. */
const runtimeDir = () => ({ XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' });

async function vulkanAdapter(icd: string | null): Promise<Candidate> {
  const vars: Record<string, string> = icd ? { ...runtimeDir(), VK_ICD_FILENAMES: icd } : runtimeDir();
  return withEnvironment(vars, async () => {
    const gpu = requireDawn().create(['backend=vulkan']);
    return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
  });
}

async function llvmpipeAdapter(): Promise<Candidate> {
  return withEnvironment({ EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless' }, async () => {
    const gpu = requireDawn().create(['backend=opengles']);
    return { gpu, adapter: await gpu.requestAdapter({ featureLevel: 'compatibility' }) };
  });
}

const found = (candidate: Candidate, choice: Found['choice']): Found | null =>
  candidate?.adapter ? { gpu: candidate.gpu, adapter: candidate.adapter, choice } : null;

async function findAdapter(choice: AdapterChoice): Promise<Found | null> {
  if (choice === 'swiftshader') {
    const icd = swiftShaderIcd();
    return icd ? found(await vulkanAdapter(icd), choice) : null;
  }
  if (choice === 'llvmpipe') return found(await llvmpipeAdapter(), choice);
  // The system's Vulkan drivers (a user's own VK_ICD_FILENAMES included), then Dawn's other backends.
  const system = found(await vulkanAdapter(null), 'hardware');
  if (system && !isSoftwareAdapter(system.adapter.info)) return system;
  if (choice === 'hardware') return null;
  const preferred = await findAdapter(DEFAULT_SOFTWARE_ADAPTER);
  return preferred ?? findAdapter(DEFAULT_SOFTWARE_ADAPTER === 'llvmpipe' ? 'swiftshader' : 'llvmpipe');
}

function choiceFromEnvironment(): AdapterChoice {
  const value = process.env.WEBGPU_LAYERS_ADAPTER?.trim().toLowerCase();
  if (!value) return 'auto';
  if (value === 'auto' || value === 'hardware' || value === 'swiftshader' || value === 'llvmpipe') return value;
  throw new WebGPULayersError('no-adapter', `WEBGPU_LAYERS_ADAPTER must be one of auto, hardware, swiftshader, llvmpipe, but got "${value}"`);
}

/** The adapter's own limits, so big tensors get what the hardware allows rather than WebGPU's defaults. */
function adapterLimits(adapter: GPUAdapter): Record<string, number> {
  const names = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupsPerDimension',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxStorageBuffersPerShaderStage',
  ] as const;
  return Object.fromEntries(names.map((name) => [name, adapter.limits[name]]));
}

/** What the kit asks for where the adapter has it: GPU timing. (float16 tensors are packed halves on every adapter.) */
const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query'];

/**
 * A GPUDevice from Dawn: a hardware adapter if any, else a software one. Prints the adapter it chose to
 * stderr unless `quiet`. Throws, naming what to install, when no adapter can be found. The device's `label` names
 * the adapter, as `requestBrowserDevice`'s does.
 */
export async function requestDevice(options: RequestDeviceOptions = {}): Promise<GPUDevice> {
  installWebGPUGlobals();
  const choice = options.adapter ?? choiceFromEnvironment();
  const result = await findAdapter(choice);
  if (!result) {
    const what = choice === 'auto' ? 'no WebGPU adapter (hardware or software)' : `no ${choice} WebGPU adapter`;
    throw new WebGPULayersError('no-adapter', `${what} could be found. ${INSTALL_HINT}`);
  }
  const { adapter } = result;
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits = options.limits === 'default' ? {} : adapterLimits(adapter);
  const described = `${describeAdapter(adapter.info, result.choice !== 'hardware')} [${result.choice}]`;
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features, label: `WebGPU on ${described}` });
  instanceOf.set(device, result.gpu);
  contextOf(device); // the kit's state for this device, made now rather than on first use
  const quiet = options.quiet ?? process.env.WEBGPU_LAYERS_QUIET === '1';
  if (!quiet) {
    process.stderr.write(`webgpu-layers: using ${described}\n`);
  }
  const loopCap = await probeLoopLimit(device);
  if (!quiet && Number.isFinite(loopCap)) {
    process.stderr.write(`webgpu-layers: this adapter stops shader loops after ${loopCap} iterations; kernels stay under that or refuse clearly\n`);
  }
  if (options.autotune ?? process.env.WEBGPU_LAYERS_AUTOTUNE !== '0') {
    const tuned = await autotune(device);
    if (!quiet) {
      const lines = tuned.map(
        (t) =>
          `${t.kernel}: ${t.chosen} (${Object.entries(t.timesMs)
            .map(([v, ms]) => `${v} ${ms.toFixed(1)} ms`)
            .join(', ')})`,
      );
      process.stderr.write(`webgpu-layers: autotuned ${lines.join('; ')}\n`);
    }
  }
  return device;
}
