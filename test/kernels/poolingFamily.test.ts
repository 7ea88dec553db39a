// The rest of the pooling family's WGSL kernels on real WebGPU (Dawn here, Chromium in the browser project), through
// F, against real PyTorch fixtures (test/fixtures/pooling_family.json): values, indices and errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, liveBytes, type TorchError } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { describeFamily, familyExpected, familyFixtures, familyInput, familyMessage, runFamilyGpu } from '../helpers/familyFixtures.js';

const isDeferred = (message: string) => message.startsWith('Found an invalid max index');

describe.each(testAdapters())('pooling family kernels on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test('match PyTorch on every value fixture, indices included (all queued before any readback)', async () => {
    const runs = familyFixtures.cases
      .filter((c) => !c.error)
      .map((fixture) => {
        const x = Tensor.fromArray(device, familyInput(fixture), fixture.input);
        return { fixture, x, result: runFamilyGpu(fixture, x) };
      });
    for (const { fixture, x, result } of runs) {
      const [values, indices] = Array.isArray(result) ? result : [result, null];
      const what = describeFamily(fixture);
      expect(values.shape, what).toEqual(fixture.shape);
      expectClose(await values.toArray(), familyExpected(fixture), what);
      expect(indices === null, `${what}: indices returned`).toBe(fixture.indices === undefined);
      if (indices) {
        expect(indices.dtype).toBe('int32');
        expect(indices.shape).toEqual(fixture.shape);
        expect(Array.from(await indices.toArray()), `${what}: indices`).toEqual(fixture.indices);
        indices.dispose();
      }
      values.dispose();
      x.dispose();
    }
  });

  test("reject what PyTorch rejects with PyTorch's message, before any GPU work (a bad unpooling index: on read)", async () => {
    for (const fixture of familyFixtures.cases.filter((c) => c.error)) {
      const what = describeFamily(fixture);
      const x = Tensor.fromArray(device, familyInput(fixture), fixture.input);
      if (isDeferred(fixture.error!.message)) {
        const y = runFamilyGpu(fixture, x) as Tensor;
        await expect(y.toArray(), what).rejects.toThrow(familyMessage(fixture));
        y.dispose();
      } else {
        const before = liveBytes(device);
        let thrown: unknown;
        try {
          runFamilyGpu(fixture, x);
        } catch (error) {
          thrown = error;
        }
        expect((thrown as TorchError | undefined)?.message, what).toBe(familyMessage(fixture));
        expect((thrown as TorchError).name, what).toBe(fixture.error!.type);
        expect(liveBytes(device), `${what}: no buffer was allocated`).toBe(before);
      }
      x.dispose();
    }
    // The device is still usable afterwards.
    const x = Tensor.fromArray(device, new Float32Array([1, 5, 3, 4]), [1, 1, 4]);
    const [values, indices] = F.maxPool1d(x, 2, { returnIndices: true });
    expect(Array.from(await values.toArray())).toEqual([5, 4]);
    expect(Array.from(await indices.toArray())).toEqual([1, 3]);
    for (const t of [x, values, indices]) t.dispose();
  });
});
