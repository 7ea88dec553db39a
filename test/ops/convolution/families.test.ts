// Convolution, batch norm, dropout and the residual add against torch 1.13 (test/fixtures/generate_conv.py): outputs,
// gradFn names, gradients of the input and the parameters, running statistics and state-dict keys, on every adapter;
// the CPU reference against the same fixtures; float16 and channels last against the float32 reference; PyTorch's
// errors before any GPU work; the memory a recorded forward holds given back.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, TorchError, liveBytes, loadSafetensors, manualSeed, nn, noGrad, reference, saveSafetensors, synchronize } from '../../../src/index.js';
import { expectClose, halfUlp } from '../../helpers/compare.js';
import { batchNormCases, batchNormInput, buildBatchNorm, buildConv, convCases, convInput, errorCall, errorCases } from '../../helpers/convFixtures.js';
import { testAdapters, testDevice } from '../../helpers/device.js';
import { decode, fixtureInput } from '../../helpers/fixtures.js';
import { randomData, seededRandom } from '../../helpers/random.js';

describe.each(testAdapters())('convolution, batch norm, dropout, add on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test.each(convCases.map((c) => [c.name, c] as const))('Conv2d %s: output, ConvolutionBackward0 and gradients as torch', async (_, c) => {
    const conv = buildConv(c);
    expect(Object.keys(conv.stateDict())).toEqual(c.keys);
    expect(conv.outputShape(c.input)).toEqual(c.shape);
    const x = Tensor.fromArray(device, convInput(c), c.input, { requiresGrad: true });
    const y = conv.forward(x);
    expect(y.shape).toEqual(c.shape);
    expect(y.gradFn?.name).toBe(c.input.length === 3 ? 'ViewBackward0' : c.gradFn); // torch: SqueezeBackward1 for unbatched input
    y.backward(
      Tensor.fromArray(
        device,
        fixtureInput(c.shape).map((v) => v / 8),
        c.shape,
      ),
    );
    expectClose(await y.toArray(), decode(c.output), `${c.name}: output`);
    expectClose(await x.grad!.toArray(), decode(c.gradInput), `${c.name}: input gradient`);
    expectClose(await conv.weight.grad!.toArray(), decode(c.gradWeight), `${c.name}: weight gradient`);
    if (c.gradBias) expectClose(await conv.bias!.grad!.toArray(), decode(c.gradBias), `${c.name}: bias gradient`);
    expectClose(conv.forwardCpu({ data: convInput(c), shape: c.input }).data, decode(c.output), `${c.name}: CPU reference`);
    for (const t of [x, y]) t.dispose();
    conv.dispose();
  });

  test.each(batchNormCases.map((c) => [c.name, c] as const))('BatchNorm2d %s: outputs, running statistics, gradients, state dict as torch', async (_, c) => {
    const bn = buildBatchNorm(c);
    const cpu = buildBatchNorm(c);
    expect(Object.keys(bn.stateDict())).toEqual(c.keys);
    let y: Tensor | null = null;
    let x: Tensor | null = null;
    for (let step = 0; step < c.steps; step++) {
      y?.dispose();
      x?.dispose();
      x = Tensor.fromArray(device, batchNormInput(c, step), c.input, { requiresGrad: true });
      y = bn.forward(x);
      expectClose(await y.toArray(), decode(c.outputs[step]!), `${c.name}: step ${step}`);
      expectClose(cpu.forwardCpu({ data: batchNormInput(c, step), shape: c.input }).data, decode(c.outputs[step]!), `${c.name}: CPU reference, step ${step}`);
    }
    expect(y!.gradFn?.name).toBe(c.gradFn);
    y!.backward(
      Tensor.fromArray(
        device,
        fixtureInput(c.input).map((v) => v / 8),
        c.input,
      ),
    );
    expectClose(await x!.grad!.toArray(), decode(c.gradInput), `${c.name}: input gradient`);
    if (c.gradWeight) expectClose(await bn.weight!.grad!.toArray(), decode(c.gradWeight), `${c.name}: weight gradient`);
    if (c.gradBias) expectClose(await bn.bias!.grad!.toArray(), decode(c.gradBias), `${c.name}: bias gradient`);
    const state = await bn.readStateDict();
    expect(Object.keys(state)).toEqual(c.keys);
    for (const [key, entry] of Object.entries(c.state)) {
      expect(state[key]!.shape).toEqual(entry.shape);
      expectClose(state[key]!.data, decode(entry.data), `${c.name}: ${key}`);
      if (entry.dtype === 'int64') expect(state[key]!.dtype).toBe('int64');
    }
    // The state round-trips through safetensors (num_batches_tracked as I64) into a fresh module.
    const restored = new nn.BatchNorm2d(c.channels, { affine: c.args.affine, trackRunningStats: c.args.track_running_stats });
    restored.loadStateDict(loadSafetensors(saveSafetensors(state)));
    expect(restored.stateDict()).toEqual(state);
    for (const t of [x!, y!]) t.dispose();
    bn.dispose();
  });

  test.each(errorCases.map((c) => [c.name, c] as const))("PyTorch's error before any GPU work: %s", (_, c) => {
    const before = liveBytes(device);
    const call = errorCall(c.name, device);
    let thrown: unknown = null;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TorchError);
    // Python prints the allowed values as a set, in an order that changes with the process's hash seed.
    const sortedSets = (m: string) => m.replace(/\{([^}]*)\}/g, (_, inner: string) => `{${inner.split(', ').sort().join(', ')}}`);
    expect(sortedSets((thrown as TorchError).message)).toBe(sortedSets(c.error.message));
    expect((thrown as TorchError).name).toBe(c.error.type);
    expect(liveBytes(device)).toBeLessThanOrEqual(before + 4096); // only the call's own zero inputs, if any
  });

  test('the register-tiled forward against the CPU reference on seeded random configurations (tiles of 4 and 1 channels, every padding mode)', async () => {
    const random = seededRandom(36);
    const pick = <T>(xs: readonly T[]) => random.pick(xs);
    for (let i = 0; i < 12; i++) {
      const groups = pick([1, 1, 2, 4]);
      const inChannels = groups * pick([1, 2, 3]);
      const outChannels = groups * pick([1, 4, 8, 3]);
      const k = pick([1, 2, 3, 5]);
      const mode = pick(['zeros', 'zeros', 'reflect', 'replicate', 'circular'] as const);
      const padding = mode === 'zeros' ? pick([0, 1, 2]) : pick([0, 1]);
      const shape = [pick([1, 2]), inChannels, random.int(5, 11), random.int(5, 13)];
      const options = { stride: pick([1, 2]), padding, dilation: pick([1, 2]), groups, paddingMode: mode, bias: random.chance(0.7) };
      const what = `${JSON.stringify(options)} k=${k} in=${inChannels} out=${outChannels} [${shape}]`;
      const conv = new nn.Conv2d(inChannels, outChannels, k, options);
      const data = randomData(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      let expected: { data: Float32Array; shape: number[] };
      try {
        expected = conv.forwardCpu({ data, shape });
      } catch {
        continue; // a configuration PyTorch rejects (a kernel larger than the padded input)
      }
      const x = Tensor.fromArray(device, data, shape);
      const y = noGrad(() => conv.forward(x));
      expectClose(await y.toArray(), expected.data, what);
      for (const t of [x, y]) t.dispose();
      conv.dispose();
    }
  });

  test("reference.conv2d and reference.batchNorm take PyTorch's arguments", () => {
    const c = convCases.find((k) => k.name === 'reflect')!;
    const conv = buildConv(c);
    const y = reference.conv2d({ data: convInput(c), shape: c.input }, { data: conv.weight.data, shape: conv.weight.shape }, conv.bias!.data, {
      padding: 2,
      paddingMode: 'reflect',
    });
    expect(y.shape).toEqual(c.shape);
    expectClose(y.data, decode(c.output), 'reference.conv2d');
    const b = batchNormCases.find((k) => k.name === 'eval after no training')!;
    const bn = buildBatchNorm(b);
    const z = reference.batchNorm({ data: batchNormInput(b, 0), shape: b.input }, new Float32Array(b.channels), new Float32Array(b.channels).fill(1), {
      weight: bn.weight!.data,
      bias: bn.bias!.data,
    });
    expectClose(z.data, decode(b.outputs[0]!), 'reference.batchNorm');
  });

  test('float16 and channels last: conv and batch norm match the float32 reference on the half values', async () => {
    manualSeed(11);
    const c = convCases.find((k) => k.name === 'groups 2')!;
    const conv = buildConv(c).eval();
    const bn = new nn.BatchNorm2d(6).eval();
    const data = convInput(c);
    const x = Tensor.fromArray(device, data, c.input);
    const reference = bn.forwardCpu(conv.forwardCpu({ data, shape: c.input }));
    const run = (input: Tensor) =>
      noGrad(() => {
        const h = conv.forward(input);
        const y = bn.forward(h);
        h.dispose();
        return y;
      });
    const last = x.contiguous('channelsLast');
    const yLast = run(last);
    expect(yLast.memoryFormat).toBe('channelsLast');
    expectClose(await yLast.toArray(), reference.data, 'channels last');
    const half = x.to('float16');
    conv.to('float16');
    bn.to('float16');
    const yHalf = run(half);
    expect(yHalf.dtype).toBe('float16');
    const values = await yHalf.toArray();
    const halfRef = new nn.Conv2d(c.inChannels, c.outChannels, c.kernelSize, { padding: 1, groups: 2 });
    halfRef.loadStateDict(conv.stateDict()); // the rounded weights
    const expected = bn.forwardCpu(halfRef.forwardCpu({ data: await half.toArray(), shape: c.input })).data;
    values.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(4 * halfUlp(expected[i]!) + 1e-3));
    for (const t of [x, last, yLast, half, yHalf]) t.dispose();
  });

  test('dropout: the kept fraction, the scale, the same mask in backward; identity in eval; manualSeed reproduces', async () => {
    const size = 40_000;
    const ones = Tensor.fromArray(device, new Float32Array(size).fill(1), [size], { requiresGrad: true });
    manualSeed(3);
    const y = F.dropout(ones, { p: 0.3 });
    expect(y.gradFn?.name).toBe('NativeDropoutBackward0');
    const values = await y.toArray();
    const kept = values.filter((v) => v !== 0);
    expect(Math.abs(kept.length / size - 0.7)).toBeLessThan(0.015);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.7, 5);
    y.backward(Tensor.fromArray(device, new Float32Array(size).fill(2), [size]));
    const grad = await ones.grad!.toArray();
    grad.forEach((g, i) => expect(g).toBeCloseTo(values[i]! * 2, 5));
    manualSeed(3);
    const again = F.dropout(ones, { p: 0.3 });
    expect(Array.from(await again.toArray())).toEqual(Array.from(values));
    const other = F.dropout(ones, { p: 0.3 });
    expect(Array.from(await other.toArray())).not.toEqual(Array.from(values));
    const module = new nn.Dropout(0.3).eval();
    const identity = module.forward(ones);
    expect(Array.from(await identity.toArray())).toEqual(Array.from(new Float32Array(size).fill(1)));
    const all = F.dropout(ones, { p: 1 });
    expect((await all.toArray()).every((v) => v === 0)).toBe(true);
    for (const t of [ones, y, again, other, identity, all]) t.dispose();
  });

  test('F.add and nn.Identity: AddBackward0 sends the gradient to both; a residual block trains and frees its graph', async () => {
    const a = Tensor.fromArray(device, fixtureInput([2, 3]), [2, 3], { requiresGrad: true });
    const b = Tensor.fromArray(
      device,
      fixtureInput([2, 3]).map((v) => v * 2),
      [2, 3],
      { requiresGrad: true },
    );
    const y = F.add(a, new nn.Identity().forward(b));
    expect(y.gradFn?.name).toBe('AddBackward0');
    expect(Array.from(await y.toArray())).toEqual(Array.from(fixtureInput([2, 3]).map((v) => v * 3)));
    y.backward(Tensor.fromArray(device, Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]));
    expect(Array.from(await a.grad!.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await b.grad!.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
    // conv → bn → relu, plus the input: the graph is freed with the output.
    const conv = new nn.Conv2d(2, 2, 3, { padding: 1 });
    const bn = new nn.BatchNorm2d(2);
    const x = Tensor.fromArray(device, fixtureInput([2, 2, 4, 4]), [2, 2, 4, 4]);
    const block = () => {
      const h = conv.forward(x);
      const n = bn.forward(h);
      const r = F.relu(n);
      for (const t of [h, n]) t.dispose();
      const sum = F.add(r, x);
      r.dispose();
      return sum;
    };
    noGrad(block).dispose(); // uploads the parameters, fills the caches
    await synchronize(device); // buffers return to the pool once their work is submitted
    const before = liveBytes(device);
    const out = block();
    expect(out.gradFn?.name).toBe('AddBackward0');
    expect(liveBytes(device)).toBeGreaterThan(before); // the graph holds what its backward needs
    out.dispose();
    await synchronize(device);
    expect(liveBytes(device)).toBe(before);
    for (const t of [a, b, y, x]) t.dispose();
  });
});
