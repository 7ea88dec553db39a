// Device acquisition that survives the browser: requestBrowserDevice retries a failed first attempt with a fresh
// adapter (Chromium's "A valid external Instance reference no longer exists"), says why when there is no WebGPU,
// and a DeviceKeeper replaces a lost device so the page's modules keep working. Needs navigator.gpu: Chromium.
import { describe, expect, test } from 'vitest';
import { DeviceKeeper, Tensor, WebGPULayersError, nn, requestBrowserDevice } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { inBrowser } from '../helpers/device.js';
import { randomData, seededRandom } from '../helpers/random.js';

test('without WebGPU, requestBrowserDevice says why (a page shows it and uses the CPU reference)', async () => {
  const noWebGPU = { requestAdapter: async () => null } as unknown as GPU;
  const error = await requestBrowserDevice({ gpu: noWebGPU }).catch((e: Error) => e);
  expect(error).toBeInstanceOf(WebGPULayersError);
  expect((error as WebGPULayersError).code).toBe('no-adapter');
  expect((error as Error).message).toBe(
    'webgpu-layers: no WebGPU device (tried twice: WebGPU is present but no adapter is available; then WebGPU is present but no adapter is available)',
  );
});

describe.skipIf(!inBrowser)("the browser's WebGPU", () => {
  test('a first requestDevice that fails is retried with a fresh adapter', async () => {
    // The real navigator.gpu, whose first adapter fails requestDevice as Chromium's sometimes does.
    let adapters = 0;
    const flaky = {
      requestAdapter: async (options?: GPURequestAdapterOptions) => {
        const adapter = (await navigator.gpu.requestAdapter(options))!;
        if (adapters++ > 0) return adapter;
        return Object.assign(Object.create(adapter), {
          requestDevice: async () => {
            throw new DOMException(
              "Failed to execute 'requestDevice' on 'GPUAdapter': A valid external Instance reference no longer exists.",
              'OperationError',
            );
          },
          info: adapter.info,
          limits: adapter.limits,
          features: adapter.features,
        });
      },
    } as unknown as GPU;
    const device = await requestBrowserDevice({ gpu: flaky, autotune: false });
    expect(adapters).toBe(2);
    expect(device.label).toMatch(/^WebGPU on /);
    const x = Tensor.fromArray(device, new Float32Array([1, 2, 3, 4]), [1, 1, 2, 2]);
    expect(await new nn.AvgPool2d(2).forward(x).toArray()).toEqual(new Float32Array([2.5]));
    device.destroy();
  });

  test('a DeviceKeeper replaces a lost device; modules move their parameters and keep working', async () => {
    const keeper = await DeviceKeeper.create({ autotune: false });
    const se = new nn.SELayer(8, 2);
    const data = randomData(seededRandom(4), 2 * 8 * 5 * 5);
    const run = async () => {
      const x = Tensor.fromArray(keeper.device, data, [2, 8, 5, 5]);
      const y = se.forward(x);
      const values = await y.toArray();
      for (const t of [x, y]) t.dispose();
      return values;
    };
    const expected = se.forwardCpu({ data, shape: [2, 8, 5, 5] }).data;
    expectClose(await run(), expected, 'before the loss');
    const reasons: string[] = [];
    keeper.onReplaced((_, reason) => reasons.push(reason));
    const lost = keeper.device;
    lost.destroy(); // as a driver reset or another library would
    await lost.lost;
    await keeper.replaced;
    expect(keeper.device).not.toBe(lost);
    expect(reasons[0]).toMatch(/^destroyed/);
    expectClose(await run(), expected, 'on the new device');
    se.dispose();
    keeper.dispose();
  });
});
