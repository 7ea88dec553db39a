// module.outputShape on every module: the shape forward would give (here forwardCpu, the same checks), or the same
// PyTorch error, with no GPU work.
import { describe, expect, test } from 'vitest';
import { manualSeed, nn } from '../../src/index.js';

const data = (shape: readonly number[]) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)), shape });

describe('outputShape', () => {
  manualSeed(5);
  const cases: [string, nn.Module<unknown, unknown>, number[]][] = [
    ['ReLU', new nn.ReLU(), [2, 3, 4]],
    ['Hardswish', new nn.Hardswish(), [5]],
    ['SELayer', new nn.SELayer(16, 4), [2, 16, 5, 3]],
    ['SqueezeAndExcite', new nn.SqueezeAndExcite(8, 8, 3), [1, 8, 3, 3]],
    ['ResNetHead', new nn.ResNetHead(8, 10), [2, 8, 7, 7]],
    ['Sequential', new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 4), new nn.Sigmoid()), [3, 3, 4]],
    ['AvgPool2d', new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), [1, 2, 7, 6]],
  ];
  test.each(cases)('%s: the shape forwardCpu gives', (_, module, shape) => {
    const out = module.forwardCpu(data(shape) as never) as { shape: number[] };
    expect(module.outputShape(shape)).toEqual(out.shape);
  });

  test('the same PyTorch errors as forward, before any work', () => {
    const fixed = new nn.ResNetHead(8, 10, { pool: 'fixed' });
    expect(() => fixed.outputShape([1, 8, 14, 14])).toThrow('mat1 and mat2 shapes cannot be multiplied (1x512 and 8x10)');
    expect(() => new nn.SELayer(16, 4).outputShape([2, 8, 5, 5])).toThrow('mat1 and mat2 shapes cannot be multiplied (2x8 and 16x4)');
  });

  test('unpooling and the losses take the shapes of their other arguments', () => {
    expect(new nn.MaxUnpool2d(2).outputShape([1, 3, 4, 5])).toEqual([1, 3, 8, 10]);
    expect(new nn.MaxUnpool2d(2).outputShape([1, 3, 4, 5], [1, 3, 4, 5], [9, 11])).toEqual([1, 3, 9, 11]);
    expect(new nn.CrossEntropyLoss().outputShape([4, 3])).toEqual([]);
    expect(new nn.CrossEntropyLoss({ reduction: 'none' }).outputShape([4, 3, 2])).toEqual([4, 2]);
    expect(() => new nn.CrossEntropyLoss().outputShape([4, 3], [3])).toThrow('Expected input batch_size (4) to match target batch_size (3).');
    expect(new nn.MSELoss({ reduction: 'none' }).outputShape([2, 5])).toEqual([2, 5]);
    expect(new nn.MSELoss().outputShape([2, 5])).toEqual([]);
  });
});
