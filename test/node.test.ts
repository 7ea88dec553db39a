// webgpu-layers/node: adapter choice (option and environment variable), what it tells the user, and errors.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DEFAULT_SOFTWARE_ADAPTER, requestDevice } from '../src/node.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('requestDevice', () => {
  test.each([
    ['swiftshader', /swiftshader/i],
    ['llvmpipe', /llvmpipe/i],
  ] as const)('adapter: %s gives that adapter', async (adapter, pattern) => {
    const device = await requestDevice({ adapter, quiet: true, autotune: false });
    const info = device.adapterInfo;
    expect(`${info.architecture} ${info.device} ${info.description}`).toMatch(pattern);
    device.destroy();
  });

  test('says which adapter it chose on stderr, unless quiet', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const device = await requestDevice({ adapter: 'llvmpipe', autotune: false });
    device.destroy();
    expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^webgpu-layers: using .*llvmpipe.*software \[llvmpipe\]$/m);
  });

  test('WEBGPU_LAYERS_ADAPTER picks the adapter; a bad value is a clear error', async () => {
    vi.stubEnv('WEBGPU_LAYERS_ADAPTER', 'swiftshader');
    const device = await requestDevice({ quiet: true, autotune: false });
    expect(device.adapterInfo.architecture).toBe('swiftshader');
    device.destroy();
    vi.stubEnv('WEBGPU_LAYERS_ADAPTER', 'cuda');
    await expect(requestDevice({ quiet: true })).rejects.toThrow('WEBGPU_LAYERS_ADAPTER must be one of auto, hardware, swiftshader, llvmpipe, but got "cuda"');
  });

  test(`auto gives a hardware adapter if there is one, else the default software one (${DEFAULT_SOFTWARE_ADAPTER})`, async () => {
    const describe = (device: GPUDevice) => {
      const info = device.adapterInfo;
      return `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
    };
    const auto = await requestDevice({ quiet: true, autotune: false });
    let hardware: GPUDevice | null = null;
    try {
      hardware = await requestDevice({ adapter: 'hardware', quiet: true, autotune: false });
    } catch {
      // no GPU on this machine
    }
    // With a GPU, auto is that GPU; without one, it is the default software adapter.
    if (hardware) expect(describe(auto)).toBe(describe(hardware));
    else expect(describe(auto)).toMatch(new RegExp(DEFAULT_SOFTWARE_ADAPTER, 'i'));
    auto.destroy();
    hardware?.destroy();
  });

  test('hardware without a GPU names what to install', async () => {
    let device: GPUDevice | null = null;
    try {
      device = await requestDevice({ adapter: 'hardware', quiet: true, autotune: false });
    } catch (error) {
      expect((error as Error).message).toMatch(/no hardware WebGPU adapter could be found\. On Debian\/Ubuntu: `apt-get install chromium libvulkan1`/);
      return;
    }
    expect(device.adapterInfo.architecture).not.toMatch(/swiftshader|llvmpipe/i); // a machine with a GPU
    device.destroy();
  });
});
