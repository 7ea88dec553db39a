// The pooling family's modules as users meet them: PyTorch's constructors and their argument errors, values and
// int32 indices on the GPU against the CPU reference and PyTorch, unpooling a max pool, a stem in a Sequential,
// typed results, and errors that leave module and device usable.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, TorchError, WebGPULayersError, nn, reference } from '../../src/index.js';
import { deviceContext } from '../../src/runtime/context.js';
import { torchPow } from '../../src/ops/pooling/reference.js';
import { expectClose } from '../helpers/compare.js';
import { testDevice } from '../helpers/device.js';
import { poolingExpected, poolingFixtures, poolingInput } from '../helpers/poolingFixtures.js';
import { randomData, seededRandom } from '../helpers/random.js';

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

describe('pooling modules on the GPU', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(undefined, { autotune: false });
  });
  afterAll(() => device?.destroy());

  const random = seededRandom(2026_11_28);
  const input = (shape: number[]) => {
    const data = randomData(
      random,
      shape.reduce((a, b) => a * b, 1),
    );
    return { data, shape, tensor: Tensor.fromArray(device, data, shape) };
  };

  test('MaxPool2d with indices, then MaxUnpool2d, match the reference; indices are int32 and flat within H·W', async () => {
    const x = input([2, 3, 9, 11]);
    const pool = new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true });
    const [values, indices] = pool.forward(x.tensor); // typed [Tensor, Tensor<'int32'>]
    const [expectedValues, expectedIndices] = pool.forwardCpu({ data: x.data, shape: x.shape });
    expect(indices.dtype).toBe('int32');
    const gotIndices = await indices.toArray();
    expect(gotIndices).toBeInstanceOf(Int32Array);
    expect(Array.from(gotIndices)).toEqual(Array.from(expectedIndices.data));
    expect(Math.max(...gotIndices)).toBeLessThan(9 * 11);
    expectClose(await values.toArray(), expectedValues.data, 'values');

    const unpool = new nn.MaxUnpool2d(3, { stride: 2, padding: 1 });
    const restored = unpool.forward(values, indices, [9, 11]);
    expect(restored.shape).toEqual([2, 3, 9, 11]);
    const expected = unpool.forwardCpu(expectedValues, expectedIndices, [9, 11]);
    expectClose(await restored.toArray(), expected.data, 'unpooled');
    for (const t of [x.tensor, values, indices, restored]) t.dispose();
  });

  test('a ResNet stem pool in a Sequential, and F with its default (values only)', async () => {
    const x = input([1, 4, 16, 16]);
    const stem = new nn.Sequential(new nn.MaxPool2d(3, { stride: 2, padding: 1 }), new nn.AdaptiveAvgPool2d(1));
    const y = stem.forward(x.tensor);
    expect(y.shape).toEqual([1, 4, 1, 1]);
    expectClose(await y.toArray(), stem.forwardCpu({ data: x.data, shape: x.shape }).data, 'stem');
    const z = F.maxPool2d(x.tensor, 3, { stride: 2, padding: 1 }); // typed Tensor
    expect(z.shape).toEqual([1, 4, 8, 8]);
    for (const t of [x.tensor, y, z]) t.dispose();
  });

  test("a bad shape is PyTorch's error before any GPU work, and the module works afterwards", async () => {
    const pool = new nn.MaxPool3d(2);
    const bad = input([2, 4, 4]);
    expect(() => pool.forward(bad.tensor)).toThrow(new TorchError('non-empty 4D or 5D (batch mode) tensor expected for input'));
    const good = input([1, 2, 4, 4, 4]);
    const y = pool.forward(good.tensor);
    expectClose(await y.toArray(), pool.forwardCpu({ data: good.data, shape: good.shape }).data, 'after the error');
    pool.dispose();
    expect(() => pool.forward(good.tensor)).toThrow(WebGPULayersError);
    for (const t of [bad.tensor, good.tensor, y]) t.dispose();
  });

  test("MaxUnpool takes the kit's int32 indices; float indices are PyTorch's dtype error", () => {
    const x = Tensor.fromArray(device, new Float32Array([1, 2]), [1, 1, 2]);
    const floatIndices = Tensor.fromArray(device, new Float32Array([0, 3]), [1, 1, 2]);
    expect(() => F.maxUnpool1d(x, floatIndices, 2)).toThrow('elements in indices should be type int64 but got: Float');
    expect(() => F.maxPool1d(floatIndices as never, 2)).not.toThrow(); // float32 is what pooling takes
    const ints = Tensor.fromArray(device, new Int32Array([0, 3]), [1, 1, 2]);
    expect(() => F.maxPool1d(ints as never, 2)).toThrow(WebGPULayersError);
    for (const t of [x, floatIndices, ints]) t.dispose();
  });

  test('adaptive max pooling with indices, 1-D to 3-D, matches the reference', async () => {
    for (const [Module, shape, size] of [
      [nn.AdaptiveMaxPool1d, [2, 3, 17], [5]],
      [nn.AdaptiveMaxPool2d, [2, 3, 15, 15], [5, 7]],
      [nn.AdaptiveMaxPool3d, [3, 5, 6, 7], [2, 4, 3]],
    ] as const) {
      const x = input([...shape]);
      const pool = new Module([...size], { returnIndices: true });
      const [values, indices] = pool.forward(x.tensor);
      const [v, i] = pool.forwardCpu({ data: x.data, shape: x.shape });
      expectClose(await values.toArray(), v.data, Module.name);
      expect(Array.from(await indices.toArray()), Module.name).toEqual(Array.from(i.data));
      for (const t of [x.tensor, values, indices]) t.dispose();
    }
  });

  test('tensors over the binding limit run in pieces of planes, values and indices alike', async () => {
    // A small limit stands in for 128 MiB: each piece binds windows that start at aligned offsets before its
    // first plane (odd plane sizes), and the indices' windows start where the values' do.
    const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
    const saved = limits.maxStorageBufferBindingSize;
    limits.maxStorageBufferBindingSize = 4096;
    try {
      const x = input([3, 7, 9, 13]);
      for (const pool of [new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true }), new nn.AdaptiveMaxPool2d([4, 5], { returnIndices: true })]) {
        const [values, indices] = pool.forward(x.tensor);
        const [v, i] = pool.forwardCpu({ data: x.data, shape: x.shape });
        expectClose(await values.toArray(), v.data, pool.constructor.name);
        expect(Array.from(await indices.toArray()), pool.constructor.name).toEqual(Array.from(i.data));
        values.dispose();
        indices.dispose();
      }
      const lp = new nn.AvgPool3d([2, 3, 3], { stride: 1, padding: 1, ceilMode: true });
      const x3 = input([2, 5, 6, 7, 9]);
      const y = lp.forward(x3.tensor);
      expectClose(await y.toArray(), lp.forwardCpu({ data: x3.data, shape: x3.shape }).data, 'AvgPool3d');
      for (const t of [x.tensor, x3.tensor, y]) t.dispose();
    } finally {
      limits.maxStorageBufferBindingSize = saved;
    }
  });

  test('the reference exports the family for users without WebGPU', () => {
    expect(torchPow(-2, 3)).toBe(-8);
    expect(torchPow(-2, 0.5)).toBeNaN();
    expect(torchPow(1, Infinity)).toBe(1);
  });

  test("the seed's four AdaptiveAvgPool2d examples give PyTorch's shapes and values", async () => {
    const seeds = poolingFixtures.cases.filter((c) => c.name?.startsWith('seed:'));
    const modules = [new nn.AdaptiveAvgPool2d([5, 7]), new nn.AdaptiveAvgPool2d(7), new nn.AdaptiveAvgPool2d([null, 7]), new nn.AdaptiveAvgPool2d(1)];
    for (const [i, fixture] of seeds.entries()) {
      const x = Tensor.fromArray(device, poolingInput(fixture), fixture.input);
      const y = modules[i]!.forward(x);
      expect(y.shape).toEqual(fixture.shape);
      expectClose(await y.toArray(), poolingExpected(fixture), fixture.name!);
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
