// The layers on the GPU: Linear, activations, Sequential, the seed's SE blocks and the ResNet head, with
// weights exported from PyTorch (safetensors), against PyTorch's outputs and against the CPU reference.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  F,
  KERNEL_STRATEGIES,
  Tensor,
  gpuStats,
  liveBytes,
  loadSafetensors,
  measureGpuTime,
  nn,
  noGrad,
  reference,
  type MemoryFormat,
} from '../../src/index.js';
import { deviceContext } from '../../src/runtime/context.js';
import type { LoadableStateDict, StateDict } from '../../src/nn/index.js';
import { packHalves, unpackHalves } from '../../src/core/half.js';
import { channelScale } from '../../src/ops/squeezeExcitation/functional.js';
import { channelsLastOrder, expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { fixtureInput } from '../helpers/fixtures.js';
import { buildModule, decode, fixtureFile, layerFixtures } from '../helpers/layerFixtures.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { withStrategy } from '../helpers/strategies.js';

type Act = 'relu' | 'relu6' | 'sigmoid' | 'hardsigmoid' | 'hardswish';

/** The SE block composed from reference ops: pool → linear → act → linear → act → x · gate. */
function referenceSE(x: Float32Array, shape: number[], pooled: { data: Float32Array }, sd: StateDict, prefix: string, acts: [Act, Act]) {
  const [b] = shape as [number];
  const features = pooled.data.length / b;
  const bias = (key: string) => sd[`${prefix}.${key}.bias`] ?? null;
  let h = reference.linear(pooled.data, [b, features], sd[`${prefix}.0.weight`]!, bias('0'));
  h = reference.activation(h.data, h.shape, acts[0]);
  let g = reference.linear(h.data, h.shape, sd[`${prefix}.2.weight`]!, bias('2'));
  g = reference.activation(g.data, g.shape, acts[1]);
  return reference.channelScale(x, shape, g.data);
}

describe.each(testAdapters())('layers on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter);
  });
  afterAll(() => device?.destroy());

  const outputs = layerFixtures.cases.filter((c) => !c.error);
  test.each(outputs.map((c) => [c.name, c] as const))('%s matches PyTorch', async (_, fixture) => {
    const module = await buildModule(fixture);
    const x = Tensor.fromArray(device, fixtureInput(fixture.input), fixture.input);
    const y = noGrad(() => module.forward(x));
    expect(y.shape).toEqual(fixture.shape);
    expectClose(await y.toArray(), decode(fixture.data!), fixture.name);
    for (const t of [x, y, module]) t.dispose();
  });

  const errors = layerFixtures.cases.filter((c) => c.error);
  test.each(errors.map((c) => [c.name, c] as const))("%s: PyTorch's error, before any GPU work; the module stays usable", async (_, fixture) => {
    const module = await buildModule(fixture);
    const x = Tensor.fromArray(device, fixtureInput(fixture.input), fixture.input);
    const before = gpuStats(device);
    let thrown: Error | undefined;
    try {
      noGrad(() => module.forward(x));
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toBe(fixture.error!.message);
    expect(thrown?.name).toBe(fixture.error!.type);
    expect(gpuStats(device)).toEqual(before); // no buffer, no dispatch, no submit
    x.dispose();
    if ((fixture.module === 'ResNetHead' || fixture.module === 'SqueezeAndExcite') && !fixture.args) {
      const good = Tensor.fromArray(device, fixtureInput([1, fixture.input[1]!, 7, 7]), [1, fixture.input[1]!, 7, 7]);
      const y = noGrad(() => module.forward(good));
      expect((await y.toArray()).every(Number.isFinite)).toBe(true);
      for (const t of [good, y]) t.dispose();
    }
    module.dispose();
  });

  test("the seed's lesson: the ResNet head on 224- and 448-pixel images (7×7 and 14×14 maps)", async () => {
    const weights = loadSafetensors(await fixtureFile('resnet_head.safetensors'));
    const adaptive = new nn.ResNetHead(64, 10);
    const fixed = new nn.ResNetHead(64, 10, { pool: 'fixed' });
    adaptive.loadStateDict(weights);
    fixed.loadStateDict(weights);
    const small = Tensor.fromArray(device, fixtureInput([1, 64, 7, 7]), [1, 64, 7, 7]);
    const large = Tensor.fromArray(device, fixtureInput([1, 64, 14, 14]), [1, 64, 14, 14]);
    const same = [adaptive.forward(small), fixed.forward(small)];
    expectClose(await same[0]!.toArray(), await same[1]!.toArray(), 'adaptive and fixed agree on 7×7');
    expect(adaptive.forward(large).shape).toEqual([1, 10]);
    expect(() => fixed.forward(large)).toThrow('mat1 and mat2 shapes cannot be multiplied (1x4096 and 64x10)');
    for (const t of [small, large, ...same, adaptive, fixed]) t.dispose();
  });

  test('SE blocks match the reference composition on random inputs and weights', async () => {
    const random = seededRandom(7);
    for (const [channels, reduction, h, w] of [
      [64, 16, 5, 6],
      [48, 4, 1, 1],
      [3, 1, 9, 2],
      [32, 8, 13, 11],
    ] as const) {
      const se = new nn.SELayer(channels, reduction);
      const shape = [2, channels, h, w];
      const data = randomData(random, 2 * channels * h * w);
      const x = Tensor.fromArray(device, data, shape);
      const expected = referenceSE(data, shape, reference.adaptiveAvgPool2d(data, shape, 1), se.stateDict(), 'fc', ['relu', 'sigmoid']);
      expectClose(await se.forward(x).toArray(), expected.data, `SELayer(${channels}, ${reduction}) on [${shape}]`);
      x.dispose();
      se.dispose();
    }
    for (const options of [{}, { gate: 'hardsigmoid' as const }, { pool: 'adaptive' as const }]) {
      const block = new nn.SqueezeAndExcite(24, 24, 5, 4, options);
      const shape = [3, 24, 5, 5];
      const data = randomData(random, 3 * 24 * 25);
      const pooled = options.pool ? reference.adaptiveAvgPool2d(data, shape, 1) : reference.avgPool2d(data, shape, 5, { stride: 1 });
      const expected = referenceSE(data, shape, pooled, block.stateDict(), 'SEblock', ['relu6', options.gate ?? 'hardswish']);
      const x = Tensor.fromArray(device, data, shape);
      expectClose(await block.forward(x).toArray(), expected.data, `SqueezeAndExcite ${JSON.stringify(options)}`);
      x.dispose();
      block.dispose();
    }
  });

  test.each(Object.keys(KERNEL_STRATEGIES.channel_scale))('the channel scale strategy "%s" matches the reference', async (strategy) => {
    await withStrategy(device, 'channel_scale', strategy, async () => {
      const random = seededRandom(11);
      // Planes of 1, 2, 4 and 16 elements (several per vec4, one vec4 each, several vec4s), of 56 (a run of four
      // vec4s crosses plane ends), 143 and 27 in all (vec4s that span planes, and the padding past the end); the
      // last has 3,000 planes of two, over many workgroups (grids past 65,535 workgroups: kernels/pooling.test.ts).
      for (const shape of [
        [2, 8, 1, 1],
        [2, 12, 2, 2],
        [1, 4, 4, 4],
        [2, 6, 8, 7],
        [3, 16, 13, 11],
        [1, 3, 3, 3],
        [1500, 2, 1, 2],
      ]) {
        const se = new nn.SELayer(shape[1]!, shape[1]! > 2 ? 4 : 1);
        const data = randomData(
          random,
          shape.reduce((a, b) => a * b, 1),
        );
        const x = Tensor.fromArray(device, data, shape);
        const y = noGrad(() => se.forward(x));
        expectClose(await y.toArray(), se.forwardCpu({ data, shape }).data, `${strategy} on [${shape}]`);
        for (const t of [x, y, se]) t.dispose();
      }
    });
  });

  test.each(Object.keys(KERNEL_STRATEGIES.channel_scale))(
    'the channel scale strategy "%s" scales channels last (1, 2, 4 and 8 vec4s an invocation) and planes of whole blocks as the reference, float32 and float16, whole and in pieces',
    async (strategy) => {
      const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
      const saved = limits.maxStorageBufferBindingSize;
      await withStrategy(device, 'channel_scale', strategy, async () => {
        const random = seededRandom(17);
        // Channels last: channels 12 (three vec4s a position), 32 (one vec4 an invocation on software adapters), 64
        // (two), 128 (four), 256 and 1024 (eight); 49 and 15 positions leave a short last run of positions.
        // Contiguous: planes of 256 and 144 elements (two whole blocks of 8 invocations' vec4s on software adapters,
        // and one and a part). Pieces: a sample (channels last) or a plane a binding.
        const cases: [number[], boolean, MemoryFormat][] = [
          [[2, 12, 3, 3], false, 'channelsLast'],
          [[2, 32, 7, 7], false, 'channelsLast'],
          [[3, 64, 3, 5], true, 'channelsLast'],
          [[1, 128, 7, 7], false, 'channelsLast'],
          [[2, 256, 5, 5], true, 'channelsLast'],
          [[1, 1024, 2, 3], false, 'channelsLast'],
          [[2, 5, 16, 16], false, 'contiguous'],
          [[3, 4, 12, 12], true, 'contiguous'],
        ];
        try {
          for (const [shape, pieces, memoryFormat] of cases) {
            const [n, c] = shape as [number, number];
            const unit = memoryFormat === 'contiguous' ? n * c : n; // a piece's planes or samples
            for (const dtype of ['float32', 'float16'] as const) {
              const what = `${strategy} on [${shape}] ${memoryFormat} ${dtype}${pieces ? ' in pieces' : ''}`;
              const asStored = (data: Float32Array) => (dtype === 'float16' ? unpackHalves(packHalves(data), data.length) : data);
              const data = asStored(
                randomData(
                  random,
                  shape.reduce((a, b) => a * b, 1),
                ),
              );
              const gate = asStored(randomData(random, n * c));
              const expected = asStored(reference.channelScale(data, shape, gate).data); // exact products, rounded once
              limits.maxStorageBufferBindingSize = pieces ? Math.ceil(((data.length / unit) * 4) / 256) * 256 + 512 : saved;
              const memory = memoryFormat === 'contiguous' ? data : channelsLastOrder(data, shape);
              const x = Tensor.fromArray(device, memory, shape, { memoryFormat, dtype }) as Tensor;
              const g = Tensor.fromArray(device, gate, [n, c], { dtype }) as Tensor;
              const y = channelScale(x, g);
              expect(y.memoryFormat, what).toBe(memoryFormat);
              expect(Array.from(await y.toArray()), what).toEqual(Array.from(expected));
              for (const t of [x, g, y]) t.dispose();
            }
          }
        } finally {
          limits.maxStorageBufferBindingSize = saved;
        }
      });
    },
  );

  test.each(Object.keys(KERNEL_STRATEGIES.linear))('the Linear strategy "%s" matches the reference', async (strategy) => {
    await withStrategy(device, 'linear', strategy, async () => {
      const random = seededRandom(13);
      // Rows below, at and past a block of 8; the last folds its grid past 65,535 rows of blocks. Every path of
      // shaders/linear.wgsl: one or four features per invocation (outFeatures % 4), x as vec4s or not (inFeatures % 4).
      const shapes = [
        [1, 5, 3],
        [8, 512, 70],
        [13, 7, 129],
        [600_000, 2, 3],
        [9, 12, 8],
        [3, 7, 1000],
        [17, 36, 4],
      ] as const;
      for (const [rows, inF, outF] of shapes) {
        const linear = new nn.Linear(inF, outF);
        const data = randomData(random, rows * inF);
        const x = Tensor.fromArray(device, data, [rows, inF]);
        const y = noGrad(() => linear.forward(x));
        expectClose(await y.toArray(), linear.forwardCpu({ data, shape: [rows, inF] }).data, `${strategy}: Linear(${inF}, ${outF}) on ${rows} rows`);
        for (const t of [x, y, linear]) t.dispose();
      }
    });
  });

  test('F.linear takes PyTorch-layout weights, with and without bias and activation', async () => {
    const random = seededRandom(5);
    for (const inF of [6, 8]) {
      // x read by component, and as vec4s
      const [x, w, b] = [randomData(random, 3 * 4 * inF), randomData(random, 5 * inF), randomData(random, 5)];
      const tensors = [Tensor.fromArray(device, x, [3, 4, inF]), Tensor.fromArray(device, w, [5, inF]), Tensor.fromArray(device, b, [5])] as const;
      const withBias = reference.linear(x, [3, 4, inF], { data: w, shape: [5, inF] }, { data: b, shape: [5] });
      const gpu = [F.linear(tensors[0], tensors[1], tensors[2], 'relu6'), F.linear(tensors[0], tensors[1])];
      expectClose(await gpu[0]!.toArray(), reference.activation(withBias.data, withBias.shape, 'relu6').data, `linear(${inF}) + bias + relu6`);
      expectClose(await gpu[1]!.toArray(), reference.linear(x, [3, 4, inF], { data: w, shape: [5, inF] }).data, `linear(${inF}) without bias`);
      expect(gpu[1]!.shape).toEqual([3, 4, 5]);
      for (const t of [...tensors, ...gpu]) t.dispose();
    }
  });

  test.each([
    ['split', 3],
    ['fused', 2],
  ] as const)('an SE forward with the "%s" excitation is %i dispatches in one submit, with no full-size intermediate', async (strategy, dispatches) => {
    await withStrategy(device, 'squeeze_excitation', strategy, async () => {
      const se = new nn.SELayer(64, 16);
      const shape = [4, 64, 28, 28];
      const data = randomData(seededRandom(8), 4 * 64 * 28 * 28);
      const x = Tensor.fromArray(device, data, shape);
      await noGrad(() => se.forward(x)).toArray(); // uploads the weights, compiles the pipelines
      await device.queue.onSubmittedWorkDone();
      const before = gpuStats(device);
      const y = noGrad(() => se.forward(x));
      const grown = liveBytes(device) - before.liveBytes;
      const result = await y.toArray();
      const after = gpuStats(device);
      expect(after.dispatches - before.dispatches).toBe(dispatches);
      expect(after.submits - before.submits).toBe(1); // the readback's copy joins the same submit
      // Output + staging for the readback + the small pooled/gate vectors: no second copy of x.
      expect(grown).toBeLessThan(x.size * 4 * 1.1);
      expectClose(result, se.forwardCpu({ data, shape }).data, `SELayer(64, 16), ${strategy}`);
      for (const t of [x, y, se]) t.dispose();
    });
  });

  test.each(['split', 'fused'] as const)(
    'the "%s" SE excitation sizes its workgroup arrays to the hidden and channel counts, at every power-of-two edge',
    async (strategy) => {
      // Divide 1: hidden = channels; divide 2: half. 64, 65, 128 and 129 sit on both sides of the arrays' sizes.
      await withStrategy(device, 'squeeze_excitation', strategy, async () => {
        const random = seededRandom(14);
        for (const [channels, divide] of [
          [64, 1],
          [65, 1],
          [128, 1],
          [129, 1],
          [130, 2],
          [258, 2],
        ] as const) {
          const se = new nn.SqueezeAndExcite(channels, channels, 3, divide);
          const shape = [2, channels, 3, 3];
          const data = randomData(
            random,
            shape.reduce((a, b) => a * b, 1),
          );
          const x = Tensor.fromArray(device, data, shape);
          const y = noGrad(() => se.forward(x));
          expectClose(await y.toArray(), se.forwardCpu({ data, shape }).data, `SqueezeAndExcite(${channels}, divide ${divide}), ${strategy}`);
          for (const t of [x, y, se]) t.dispose();
        }
      });
    },
  );

  test.each([
    ['fused', 1],
    ['split', 2],
  ] as const)(
    'a ResNet head with the "%s" global_pool_linear strategy is %i dispatch(es) where the shapes allow it, with no pooled intermediate',
    async (strategy, fusedDispatches) => {
      // Fused: one workgroup pools all the rows (one row, or a block of eight with the Linear strategy rows8) and
      // maps of at most 131,072 elements; anything else pools first.
      for (const rows of ['row', 'rows8'] as const)
        await withStrategy(device, 'linear', rows, () =>
          withStrategy(device, 'global_pool_linear', strategy, async () => {
            const random = seededRandom(12);
            const cases: [nn.ResNetHead, number[]][] = [
              [new nn.ResNetHead(64, 10), [1, 64, 9, 11]],
              [new nn.ResNetHead(64, 10), [3, 64, 9, 11]],
              [new nn.ResNetHead(36, 7, { pool: 'fixed' }), [2, 36, 7, 7]], // AvgPool2d(7) on 7×7 maps: a global pool too
              [new nn.ResNetHead(30, 5), [2, 30, 5, 6]], // features read one by one (30 % 4 ≠ 0)
              [new nn.ResNetHead(64, 10), [1, 64, 48, 48]], // 147,456 elements to pool: more than one workgroup should
            ];
            for (const [head, shape] of cases) {
              const fuses = shape[0] === 1 || rows === 'rows8' ? shape[1]! * shape[2]! * shape[3]! * shape[0]! <= 131_072 : false;
              const dispatches = fuses ? fusedDispatches : 2;
              const data = randomData(
                random,
                shape.reduce((a, b) => a * b, 1),
              );
              const x = Tensor.fromArray(device, data, shape);
              await noGrad(() => head.forward(x)).toArray(); // uploads the weights, compiles the pipelines
              const before = gpuStats(device);
              const y = noGrad(() => head.forward(x));
              const grown = liveBytes(device) - before.liveBytes;
              const result = await y.toArray();
              expect(gpuStats(device).dispatches - before.dispatches, `${strategy} ${rows} ${shape}`).toBe(dispatches);
              if (dispatches === 1) expect(grown, 'the output only (one 512-byte bucket)').toBe(512);
              expectClose(result, head.forwardCpu({ data, shape }).data, `ResNetHead ${shape}, ${strategy}, ${rows}`);
              for (const t of [x, y, head]) t.dispose();
            }
            // Rows over the binding limit run in pieces, each workgroup pooling its own row.
            const limits = deviceContext(device).limits as { maxStorageBufferBindingSize: number };
            const saved = limits.maxStorageBufferBindingSize;
            limits.maxStorageBufferBindingSize = 4096;
            try {
              const head = new nn.ResNetHead(20, 6);
              const shape = [5, 20, 3, 5]; // 1,200 bytes a row: three pieces, their windows at aligned offsets
              const data = randomData(random, 5 * 20 * 3 * 5);
              const x = Tensor.fromArray(device, data, shape);
              const y = noGrad(() => head.forward(x));
              expectClose(await y.toArray(), head.forwardCpu({ data, shape }).data, `ResNetHead in pieces, ${strategy}, ${rows}`);
              for (const t of [x, y, head]) t.dispose();
            } finally {
              limits.maxStorageBufferBindingSize = saved;
            }
          }),
        );
    },
  );

  test('measureGpuTime reports the GPU time of the passes a forward queues (where timestamp-query exists)', async () => {
    const se = new nn.SELayer(32, 4);
    const x = Tensor.fromArray(device, randomData(seededRandom(9), 2 * 32 * 28 * 28), [2, 32, 28, 28]);
    const timing = await withStrategy(device, 'squeeze_excitation', 'split', () => measureGpuTime(device, () => noGrad(() => se.forward(x)).dispose()));
    if (!device.features.has('timestamp-query')) {
      expect(timing).toBeNull();
    } else {
      expect(timing!.passes).toBe(3); // pool, excitation, scale: each its own pass while measuring
      expect(timing!.ms).toBeGreaterThan(0);
    }
    const y = noGrad(() => se.forward(x)); // and a plain forward afterwards still works
    expectClose(await y.toArray(), se.forwardCpu({ data: await x.toArray(), shape: [2, 32, 28, 28] }).data, 'after measuring');
    for (const t of [x, y, se]) t.dispose();
  });

  test('activations match PyTorch around their kinks and on NaN / ±Inf', async () => {
    for (const fixture of layerFixtures.activations) {
      const input = decode(fixture.input);
      const x = Tensor.fromArray(device, input, [input.length]);
      const gpu = F[fixture.name as Act](x);
      const expected = decode(fixture.data);
      expectClose(await gpu.toArray(), expected, `${fixture.name} on the GPU`);
      expectClose(reference.activation(input, [input.length], fixture.name as Act).data, expected, `${fixture.name} reference`);
      for (const t of [x, gpu]) t.dispose();
    }
  });

  test('Sequential fuses Linear + activation and keys children "0", "1", ...', async () => {
    const mlp = new nn.Sequential(new nn.Linear(6, 5), new nn.Hardswish(), new nn.Linear(5, 3, { bias: false }), new nn.Flatten(0));
    expect(Object.keys(mlp.stateDict())).toEqual(['0.weight', '0.bias', '2.weight']);
    const data = randomData(seededRandom(3), 4 * 6);
    const x = Tensor.fromArray(device, data, [4, 6]);
    const before = gpuStats(device).dispatches;
    const y = noGrad(() => mlp.forward(x));
    expect(gpuStats(device).dispatches - before).toBe(2);
    const sd = mlp.stateDict();
    let expected = reference.linear(data, [4, 6], sd['0.weight']!, sd['0.bias']!);
    expected = reference.activation(expected.data, expected.shape, 'hardswish');
    expected = reference.linear(expected.data, expected.shape, sd['2.weight']!);
    expect(y.shape).toEqual([12]);
    expectClose(await y.toArray(), expected.data, 'Linear → Hardswish → Linear → Flatten(0)');
    for (const t of [x, y, mlp]) t.dispose();
  });

  test('parameters stay on the device of the first input', async () => {
    const other = await testDevice(adapter, { autotune: false }); // only its identity matters
    const linear = new nn.Linear(4, 2);
    const x = Tensor.fromArray(device, new Float32Array(4), [1, 4]);
    const y = linear.forward(x);
    const elsewhere = Tensor.fromArray(other, new Float32Array(4), [1, 4]);
    expect(() => linear.forward(elsewhere)).toThrow("this Linear's parameters live on the GPUDevice of its first input; the input is on another device");
    expect(() => F.linear(x, Tensor.fromArray(other, new Float32Array(8), [2, 4]))).toThrow('linear() got tensors from different GPUDevices');
    await y.toArray();
    for (const t of [x, y, elsewhere, linear]) t.dispose();
    other.destroy();
  });
});

describe('state dicts', () => {
  test.each(layerFixtures.stateDictErrors.map((c) => [c.name, c] as const))("%s: PyTorch's message, and nothing is loaded", (_, fixture) => {
    const se = new nn.SELayer(64, 16);
    const original = se.stateDict();
    const broken: LoadableStateDict = Object.fromEntries(
      Object.entries(fixture.stateDict).map(([key, shape]) => [key, { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape }]),
    );
    if (fixture.name === 'size mismatch only') broken['fc.0.weight'] = original['fc.0.weight']!;
    expect(() => se.loadStateDict(broken)).toThrow(fixture.error.message);
    expect(se.stateDict()).toEqual(original);
  });

  test('strict: false reports missing and unexpected keys instead of throwing', async () => {
    const se = new nn.SELayer(64, 16);
    const weights = loadSafetensors(await fixtureFile('se_layer.safetensors'));
    const result = se.loadStateDict({ 'fc.0.weight': weights['fc.0.weight']!, extra: { data: new Float32Array(1), shape: [1] } }, { strict: false });
    expect(result).toEqual({ missingKeys: ['fc.2.weight'], unexpectedKeys: ['extra'] });
    expect(se.stateDict()['fc.0.weight']!.data).toEqual(weights['fc.0.weight']!.data);
  });

  test('malformed values are clear errors', () => {
    const linear = new nn.Linear(2, 1);
    expect(() => linear.loadStateDict({ weight: { data: ['a'] as unknown as number[], shape: [1, 2] }, bias: { data: [0], shape: [1] } })).toThrow(
      'value for weight must hold numbers',
    );
    expect(() => linear.loadStateDict({ weight: { data: [1, 2, 3], shape: [1, 2] }, bias: { data: [0], shape: [1] } })).toThrow(
      'value for weight has 3 values but shape [1, 2].',
    );
  });

  test('Linear is initialised as PyTorch does: U(−1/√in, 1/√in)', () => {
    const { weight, bias } = new nn.Linear(400, 300).stateDict() as Record<string, { data: Float32Array }>;
    for (const values of [weight!.data, bias!.data]) {
      const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(max).toBeLessThanOrEqual(Math.fround(1 / 20)); // values are f32: the bound rounds up to 0.0500000007
      expect(max).toBeGreaterThan(0.9 / 20);
    }
  });

  test('keys follow PyTorch attribute names', () => {
    expect(Object.keys(new nn.SELayer(64).stateDict())).toEqual(['fc.0.weight', 'fc.2.weight']);
    expect(Object.keys(new nn.SqueezeAndExcite(16, 16, 7).stateDict())).toEqual(['SEblock.0.weight', 'SEblock.0.bias', 'SEblock.2.weight', 'SEblock.2.bias']);
    expect(Object.keys(new nn.ResNetHead(512, 1000).stateDict())).toEqual(['fc.weight', 'fc.bias']);
  });
});

describe('forwardCpu: the same layers on the CPU reference ops', () => {
  test.each(layerFixtures.cases.map((c) => [c.name, c] as const))('%s', async (_, fixture) => {
    const module = await buildModule(fixture);
    const input = { data: fixtureInput(fixture.input), shape: fixture.input };
    if (fixture.error) {
      expect(() => module.forwardCpu(input)).toThrow(fixture.error.message);
      return;
    }
    const y = module.forwardCpu(input);
    expect(y.shape).toEqual(fixture.shape);
    expectClose(y.data, decode(fixture.data!), fixture.name);
  });
});
