// The autograd engine as users meet it: leaves and gradFn, accumulation, retainGraph and the freed graph, noGrad,
// frozen parameters, modules in train / eval mode (a fused Sequential trains unfused), PyTorch's errors before any
// GPU work, ops that cannot train yet refusing, and weights back as safetensors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  F,
  Tensor,
  TorchError,
  enableGrad,
  isGradEnabled,
  liveBytes,
  loadSafetensors,
  nn,
  noGrad,
  optim,
  saveSafetensors,
  synchronize,
} from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { testDevice } from '../helpers/device.js';
import { randomData, seededRandom } from '../helpers/random.js';

describe('autograd', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(undefined, { autotune: false });
  });
  afterAll(() => device?.destroy());

  const leaf = (values: number[], shape: number[]) => Tensor.fromArray(device, Float32Array.from(values), shape, { requiresGrad: true });

  test('leaves, gradFn, accumulation over backward calls, retainGraph and the freed graph', async () => {
    const x = leaf([1, 2, 3, 4], [1, 1, 4]);
    expect(x.requiresGrad).toBe(true);
    expect(x.isLeaf).toBe(true);
    expect(x.gradFn).toBeNull();
    const y = F.avgPool1d(x, 2);
    const loss = F.mseLoss(y, Tensor.fromArray(device, new Float32Array([0, 0]), [1, 1, 2]));
    expect(loss.gradFn?.name).toBe('MseLossBackward0');
    loss.backward(undefined, { retainGraph: true });
    expectClose(await x.grad!.toArray(), [0.75, 0.75, 1.75, 1.75], 'first backward');
    loss.backward();
    expectClose(await x.grad!.toArray(), [1.5, 1.5, 3.5, 3.5], 'accumulated');
    const before = liveBytes(device);
    expect(() => loss.backward()).toThrow(
      'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed).',
    );
    expect(liveBytes(device)).toBe(before);
    x.grad = null;
    for (const t of [x, y, loss]) t.dispose();
  });

  test("PyTorch's errors: implicit gradient, no grad_fn, shape mismatch, non-leaf flag", () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const y = F.relu(x);
    expect(() => y.backward()).toThrow('grad can be implicitly created only for scalar outputs');
    const wrong = Tensor.fromArray(device, new Float32Array(6), [1, 3, 2]);
    expect(() => y.backward(wrong)).toThrow(
      'Mismatch in shape: grad_output[0] has a shape of torch.Size([1, 3, 2]) and output[0] has a shape of torch.Size([1, 2, 3]).',
    );
    const plain = Tensor.fromArray(device, new Float32Array([1]), [1]);
    expect(() => plain.backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
    expect(() => {
      y.requiresGrad = false;
    }).toThrow('you can only change requires_grad flags of leaf variables.');
    for (const t of [x, y, wrong, plain]) t.dispose();
  });

  test('noGrad and detach record nothing; inference records nothing', () => {
    const x = leaf([1, 2, 3, 4], [1, 1, 4]);
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return F.avgPool1d(x, 2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    const z = F.avgPool1d(x.detach(), 2);
    expect(z.requiresGrad).toBe(false);
    const model = new nn.Linear(4, 2).eval();
    const input = Tensor.fromArray(device, new Float32Array(4), [1, 4]);
    const out = noGrad(() => model.forward(input));
    expect(out.gradFn).toBeNull(); // inference under noGrad records nothing, whatever the mode
    expect(enableGrad(() => noGrad(() => isGradEnabled()))).toBe(false);
    const inner = noGrad(() => enableGrad(() => model.forward(input)));
    expect(inner.gradFn?.name).toBe('AddmmBackward0'); // torch.enable_grad inside torch.no_grad records
    for (const t of [x, y, z, out, inner, input]) t.dispose();
  });

  test("PyTorch's module semantics: a new module trains, eval() changes no gradient, grad mode and requiresGrad decide", () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    expect(model.training).toBe(true);
    expect(model.at(0).training).toBe(true);
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
    const x = Tensor.fromArray(
      device,
      Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)),
      [2, 4],
    );
    for (const mode of ['train', 'eval'] as const) {
      model[mode]();
      expect(model.at(2).training).toBe(mode === 'train');
      model.zeroGrad();
      const y = model.forward(x);
      expect(y.gradFn?.name).toBe('AddmmBackward0'); // recorded in both modes
      const loss = F.mseLoss(y, Tensor.fromArray(device, new Float32Array(4), [2, 2]));
      loss.backward();
      expect(model.parameters().map((p) => p.grad?.shape)).toEqual([[3, 4], [3], [2, 3], [2]]);
      for (const t of [y, loss]) t.dispose();
    }
    for (const p of model.parameters()) p.requiresGrad = false;
    const frozen = model.forward(x);
    expect(frozen.gradFn).toBeNull(); // nothing requires grad: nothing is recorded
    expect(() => model.train('yes' as unknown as boolean)).toThrow('training mode is expected to be boolean');
    expect(() => noGrad((async () => model.forward(x)) as () => unknown)).toThrow(TypeError);
    expect(() => enableGrad(() => Promise.resolve(1))).toThrow('grad mode cannot follow an await');
    expect(isGradEnabled()).toBe(true);
    for (const t of [x, frozen]) t.dispose();
    model.dispose();
  });

  test('a recorded forward returns liveBytes to where it was once its output (and graph) are disposed', async () => {
    const model = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 4), new nn.Hardswish(), new nn.Linear(4, 3));
    const x = Tensor.fromArray(
      device,
      Float32Array.from({ length: 2 * 8 * 3 * 3 }, (_, i) => Math.sin(i)),
      [2, 8, 3, 3],
    );
    noGrad(() => model.forward(x)).dispose(); // parameters uploaded
    await synchronize(device);
    const before = liveBytes(device);
    for (let i = 0; i < 3; i++) {
      const y = model.forward(x);
      expect(y.gradFn).not.toBeNull();
      expect(liveBytes(device)).toBeGreaterThan(before); // the graph holds what its backward needs
      y.dispose();
      await synchronize(device);
      expect(liveBytes(device)).toBe(before);
    }
    x.dispose();
    model.dispose();
  });

  test('a new head trains (no train() call, as in PyTorch) through a fused Sequential; a frozen parameter gets no gradient', async () => {
    const head = new nn.Sequential(new nn.Flatten(), new nn.Linear(8, 4), new nn.ReLU(), new nn.Linear(4, 3));
    // Seeded weights (nn.Linear's own init is random): the run, and what it asserts, are the same every time.
    const random = seededRandom(2026_12_02);
    const seeded = (shape: number[], scale: number) => ({
      shape,
      data: Float32Array.from(
        randomData(
          random,
          shape.reduce((a, b) => a * b, 1),
        ),
        (v) => v * scale,
      ),
    });
    head.loadStateDict({ '1.weight': seeded([4, 8], 0.1), '1.bias': seeded([4], 0.1), '3.weight': seeded([3, 4], 0.15), '3.bias': seeded([3], 0.1) });
    const first = head.at(1) as nn.Linear;
    first.bias!.requiresGrad = false;
    const x = Tensor.fromArray(
      device,
      Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      [2, 2, 2, 2],
    );
    const target = Tensor.fromArray(device, new Int32Array([0, 2]), [2]);
    const opt = new optim.Adam(head.parameters(), { lr: 0.05 });
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      opt.zeroGrad();
      const y = head.forward(x);
      expect(y.gradFn?.name).toBe('AddmmBackward0');
      const loss = F.crossEntropy(y, target);
      loss.backward();
      if (step === 0) expect(first.bias!.grad).toBeNull();
      if (step === 0) expect(first.weight.grad!.shape).toEqual([4, 8]); // PyTorch's layout
      opt.step();
      losses.push(await loss.item());
      for (const t of [y, loss]) t.dispose();
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 4);
    const biasBefore = first.bias!.data.slice();
    const state = await head.readStateDict();
    expect(Array.from(state['1.bias']!.data)).toEqual(Array.from(biasBefore)); // frozen: unchanged
    // The trained head round-trips through safetensors, and forwardCpu on the read-back weights agrees.
    const restored = new nn.Sequential(new nn.Flatten(), new nn.Linear(8, 4), new nn.ReLU(), new nn.Linear(4, 3));
    restored.loadStateDict(loadSafetensors(saveSafetensors(state, { format: 'pt' })));
    const cpu = restored.forwardCpu({ data: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), shape: [2, 2, 2, 2] });
    head.eval();
    const gpu = noGrad(() => head.forward(x));
    expectClose(await gpu.toArray(), cpu.data, 'the trained head, GPU vs the restored CPU copy');
    for (const t of [x, target, gpu]) t.dispose();
  });

  test("a class index out of range rejects the loss's read with PyTorch's IndexError; ops without a backward refuse to record", async () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [2, 3]);
    const loss = F.crossEntropy(x, Tensor.fromArray(device, new Int32Array([0, 7]), [2]));
    await expect(loss.item()).rejects.toThrow(new TorchError('Target 7 is out of bounds.', 'IndexError'));
    expect(() => F.crossEntropy(x, Tensor.fromArray(device, new Int32Array([0, 1, 2]), [3]))).toThrow(
      'Expected input batch_size (2) to match target batch_size (3).',
    );
    expect(() => F.crossEntropy(x, Tensor.fromArray(device, new Int32Array([0, 1]), [2]), { labelSmoothing: 1.5 })).toThrow(
      'label_smoothing must be between 0.0 and 1.0. Got: 1.5',
    );
    // A plain or typed array where a Tensor belongs: PyTorch's TypeError naming the argument, before any GPU work.
    expect(() => new nn.CrossEntropyLoss({ weight: new Float32Array(3) as unknown as Tensor })).toThrow(
      new TypeError("CrossEntropyLoss(): argument 'weight' must be Tensor, not Float32Array"),
    );
    expect(() => F.crossEntropy(x, Tensor.fromArray(device, new Int32Array([0, 1]), [2]), { weight: [1, 2, 3] as unknown as Tensor })).toThrow(
      "cross_entropy(): argument 'weight' must be Tensor, not list",
    );
    expect(() => F.relu(new Float32Array(4) as unknown as Tensor)).toThrow("relu(): argument 'input' must be Tensor, not Float32Array");
    const pooled = leaf(new Array(16).fill(1), [1, 1, 4, 4]);
    expect(() => F.lpPool2d(pooled, Infinity, 2)).toThrow('lp_pool2d with an infinite norm_type cannot be trained yet');
    expect(() => noGrad(() => F.lpPool2d(pooled, Infinity, 2)).dispose()).not.toThrow();
    for (const t of [x, loss, pooled]) t.dispose();
  });
});
