// The test suites' GPU devices. In Node: the same ones a user gets from requestDevice(), on every software
// adapter this machine has (as jax-js runs one suite per device; WEBGPU_LAYERS_ADAPTER narrows that to one,
// e.g. `hardware` on a GPU machine). In a browser (vitest browser mode): the page's navigator.gpu.
import { autotune } from '../../src/index.js';
import type { AdapterChoice } from '../../src/node.js';

export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

/** An environment variable in Node; undefined in a browser. */
export function env(name: string): string | undefined {
  return typeof process !== 'undefined' ? process.env?.[name] : undefined;
}

export function testAdapters(): (AdapterChoice | 'browser')[] {
  if (inBrowser) return ['browser'];
  const chosen = env('WEBGPU_LAYERS_ADAPTER') as AdapterChoice | undefined;
  return chosen ? [chosen] : ['llvmpipe', 'swiftshader'];
}

/** A device as users get it; `autotune: false` for devices a test needs only briefly (autotune takes seconds). */
export async function testDevice(adapter?: AdapterChoice | 'browser', { autotune: tune = true } = {}): Promise<GPUDevice> {
  if (inBrowser) {
    const found = await navigator.gpu.requestAdapter();
    if (!found) throw new Error('this browser has WebGPU but no adapter');
    const device = await found.requestDevice({
      requiredLimits: { maxStorageBufferBindingSize: found.limits.maxStorageBufferBindingSize, maxBufferSize: found.limits.maxBufferSize },
    });
    if (tune) await autotune(device, { runs: 3 });
    return device;
  }
  // Only in Node: the path is hidden from the browser bundler, which must not see Dawn.
  const nodeEntry = '../../src/node.js';
  const { requestDevice } = (await import(/* @vite-ignore */ nodeEntry)) as typeof import('../../src/node.js');
  return requestDevice({ adapter: adapter as AdapterChoice | undefined, quiet: env('WEBGPU_LAYERS_QUIET') !== '0', autotune: tune });
}
