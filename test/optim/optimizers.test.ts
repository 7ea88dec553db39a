// torch.optim on the GPU against PyTorch 1.13 (test/fixtures/autograd.json): 20 steps of each optimizer and option
// on nn.Linear(6, 3) with cross-entropy — the loss at every step, the final parameters, the state dict — and
// PyTorch's constructor errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, nn, optim, TorchError } from '../../src/index.js';
import { casesOf, decode } from '../helpers/autogradFixtures.js';
import { expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';

const data = casesOf('data')[0]!;
const camel = (options: Record<string, any>) =>
  Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]));

function makeOptimizer(name: string, params: nn.Parameter[], options: Record<string, any>) {
  const o = camel(options);
  if (name === 'SGD') return new optim.SGD(params, o as optim.SGDOptions);
  return new (name === 'Adam' ? optim.Adam : optim.AdamW)(params, o);
}

describe('constructor errors in PyTorch words', () => {
  const p = () => new nn.Linear(2, 2).parameters();
  test.each([
    [() => new optim.SGD(p(), { lr: -0.1 }), 'Invalid learning rate: -0.1'],
    [() => new optim.SGD(p(), { lr: 0.1, momentum: -1 }), 'Invalid momentum value: -1'],
    [() => new optim.SGD(p(), { lr: 0.1, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    [() => new optim.SGD(p(), { lr: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
    [() => new optim.SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
    [() => new optim.Adam(p(), { betas: [1.0, 0.999] }), 'Invalid beta parameter at index 0: 1.0'],
    [() => new optim.Adam(p(), { betas: [0.9, 1.5] }), 'Invalid beta parameter at index 1: 1.5'],
    [() => new optim.Adam(p(), { eps: -1 }), 'Invalid epsilon value: -1'],
    [() => new optim.AdamW(p(), { lr: -1 }), 'Invalid learning rate: -1'],
    [() => new optim.AdamW(p(), { weightDecay: -1 }), 'Invalid weight_decay value: -1'],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(new TorchError(message, 'ValueError'));
  });
});

describe.each(testAdapters())('optimizers on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test.each(casesOf('optimizer').map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))('%s: 20 steps as PyTorch', async (_, c) => {
    const head = new nn.Linear(6, 3);
    head.loadStateDict({ weight: { data: decode(data.weight), shape: [3, 6] }, bias: { data: decode(data.bias), shape: [3] } });
    head.train();
    const x = Tensor.fromArray(device, decode(data.x), [8, 6]);
    const target = Tensor.fromArray(device, Int32Array.from(data.target), [8]);
    const opt = makeOptimizer(c.optimizer, head.parameters(), c.options);
    const losses: Tensor[] = [];
    for (let step = 0; step < 20; step++) {
      opt.zeroGrad();
      const y = head.forward(x);
      const loss = F.crossEntropy(y, target);
      loss.backward();
      opt.step();
      y.dispose();
      losses.push(loss);
    }
    const got = Float32Array.from(await Promise.all(losses.map((l) => l.item())));
    expectClose(got, decode(c.losses), 'losses');
    const state = await head.readStateDict();
    expectClose(state.weight!.data, decode(c.weight), 'weight');
    expectClose(state.bias!.data, decode(c.bias), 'bias');
    const dict = await opt.stateDict();
    const { params: _params, ...group } = dict.param_groups[0]!;
    const { params: _expectedParams, ...expectedGroup } = c.paramGroups[0]!;
    expect(JSON.parse(JSON.stringify(group))).toEqual(JSON.parse(JSON.stringify(expectedGroup)));
    expect(dict.state[0]!.step).toBe(c.state0.step);
    for (const [name, value] of Object.entries(c.state0)) {
      if (name === 'step' || value === null) continue;
      expectClose((dict.state[0]![name] as { data: Float32Array }).data, decode(value as never), name);
    }
    for (const t of [x, target, ...losses]) t.dispose();
    head.dispose();
  });

  test('stateDict / loadStateDict: 10 steps, a new optimizer from the state, 10 more, as 20 uninterrupted steps', async () => {
    const x = Tensor.fromArray(device, decode(data.x), [8, 6]);
    const target = Tensor.fromArray(device, Int32Array.from(data.target), [8]);
    const run = async (head: nn.Linear, opt: optim.Optimizer, steps: number) => {
      for (let step = 0; step < steps; step++) {
        opt.zeroGrad();
        const y = head.forward(x);
        const loss = F.crossEntropy(y, target);
        loss.backward();
        opt.step();
        y.dispose();
        loss.dispose();
      }
    };
    const fresh = () => {
      const head = new nn.Linear(6, 3);
      head.loadStateDict({ weight: { data: decode(data.weight), shape: [3, 6] }, bias: { data: decode(data.bias), shape: [3] } });
      return head.train();
    };
    const straight = fresh();
    await run(straight, new optim.Adam(straight.parameters(), { lr: 0.01, amsgrad: true }), 20);
    const resumed = fresh();
    const first = new optim.Adam(resumed.parameters(), { lr: 0.01, amsgrad: true });
    await run(resumed, first, 10);
    const state = await first.stateDict();
    const second = new optim.Adam(resumed.parameters(), { lr: 0.01, amsgrad: true });
    second.loadStateDict(state);
    await run(resumed, second, 10);
    const [a, b] = [await straight.readStateDict(), await resumed.readStateDict()];
    expect(Array.from(b.weight!.data)).toEqual(Array.from(a.weight!.data));
    expect(Array.from(b.bias!.data)).toEqual(Array.from(a.bias!.data));
    for (const t of [x, target]) t.dispose();
  });
});
