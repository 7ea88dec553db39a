// nn.AvgPool2d / nn.AdaptiveAvgPool2d: PyTorch constructors, argument errors at construction, input errors
// in forward (synchronous, PyTorch's words), and modules that stay usable after an error.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Tensor, nn, reference } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { testDevice } from '../helpers/device.js';
import { expectedOf, fixtureInput, poolingFixtures } from '../helpers/fixtures.js';

describe('constructors check their arguments as PyTorch checks them', () => {
  test.each([
    [() => new nn.AvgPool2d(0), 'stride should not be zero'],
    [() => new nn.AvgPool2d(3, { stride: [1, 0] }), 'stride should not be zero'],
    [() => new nn.AvgPool2d(3, { padding: -1 }), 'pad must be non-negative, but got pad: -1'],
    [() => new nn.AvgPool2d(3, { padding: 2 }), 'pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1'],
    [() => new nn.AvgPool2d(0, { stride: 1 }), 'kernel size should be greater than zero, but got kH: 0 kW: 0'],
    [() => new nn.AvgPool2d(2, { stride: -1 }), 'stride should be greater than zero, but got dH: -1 dW: -1'],
    [() => new nn.AvgPool2d(3, { divisorOverride: 0 }), 'divisor must be not zero'],
    [() => new nn.AdaptiveAvgPool2d([-1, 3]), 'adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, 3}'],
  ])('%#: %s', (construct, message) => {
    expect(construct).toThrow(message);
  });

  test("non-integer sizes are type errors; a list of another length is PyTorch's error", () => {
    expect(() => new nn.AvgPool2d(2.5)).toThrow(TypeError);
    expect(() => new nn.AvgPool2d([2, 2, 2] as unknown as number)).toThrow('avg_pool2d: kernel_size must either be a single int, or a tuple of two ints');
    expect(() => new nn.AdaptiveAvgPool2d([1.5, null])).toThrow(TypeError);
  });
});

describe('modules on the GPU', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice();
  });
  afterAll(() => device?.destroy());

  test("the seed's four AdaptiveAvgPool2d examples give PyTorch's shapes and values", async () => {
    const seeds = poolingFixtures.cases.filter((c) => c.name?.startsWith('seed:'));
    const modules = [new nn.AdaptiveAvgPool2d([5, 7]), new nn.AdaptiveAvgPool2d(7), new nn.AdaptiveAvgPool2d([null, 7]), new nn.AdaptiveAvgPool2d(1)];
    for (const [i, fixture] of seeds.entries()) {
      const x = Tensor.fromArray(device, fixtureInput(fixture.input), fixture.input);
      const y = modules[i]!.forward(x);
      expect(y.shape).toEqual(fixture.shape);
      expectClose(await y.toArray(), expectedOf(fixture), fixture.name!);
      x.dispose();
      y.dispose();
    }
  });

  test('a bad input shape throws synchronously and the module keeps working', async () => {
    const pool = new nn.AvgPool2d(9);
    const small = Tensor.fromArray(device, new Float32Array(3 * 8 * 8), [3, 8, 8]);
    expect(() => pool.forward(small)).toThrow('Given input size: (3x8x8). Calculated output size: (3x0x0). Output size is too small');
    const data = Float32Array.from({ length: 2 * 9 * 10 }, (_, i) => i % 7);
    const fits = Tensor.fromArray(device, data, [2, 9, 10]);
    const y = pool.forward(fits);
    expectClose(await y.toArray(), reference.avgPool2d(data, [2, 9, 10], 9).data, 'after the error');
    for (const t of [small, fits, y]) t.dispose();
  });

  test('a disposed tensor or module gives a clear error', () => {
    const pool = new nn.AdaptiveAvgPool2d(2);
    const x = Tensor.fromArray(device, new Float32Array(16), [1, 4, 4]);
    x.dispose();
    expect(() => pool.forward(x)).toThrow('this tensor [1, 4, 4] was disposed');
    pool.dispose();
    const y = Tensor.fromArray(device, new Float32Array(16), [1, 4, 4]);
    expect(() => pool.forward(y)).toThrow('this AdaptiveAvgPool2d was disposed');
    y.dispose();
  });

  test('Tensor.fromArray checks the data length against the shape', () => {
    expect(() => Tensor.fromArray(device, new Float32Array(5), [2, 2])).toThrow('data has 5 elements but shape [2, 2] needs 4');
    expect(() => Tensor.fromArray(device, new Float32Array(4), [2, -2])).toThrow('shape must be an array of non-negative integers');
  });
});
