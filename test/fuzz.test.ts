// Fuzzing: thousands of seeded random configurations per pooling op and hundreds per layer, GPU against the
// CPU reference, with NaN and ±Inf in some inputs (they must propagate as in PyTorch), each under a random mix
// of kernel strategies. Bounded in time (FUZZ_SECONDS per op and adapter, default 8) and reproducible: a
// failure prints the seed; rerun it with FUZZ_SEED=<seed>. FUZZ_SCALE=10 runs ten times as many configurations
// (with FUZZ_SECONDS raised to match).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, KERNEL_STRATEGIES, Tensor, nn, reference, type TunableKernel } from '../src/index.js';
import { expectClose } from './helpers/compare.js';
import { env, inBrowser, testAdapters, testDevice } from './helpers/device.js';
import { randomPoolingConfig, runReferenceConfig, type PoolingConfig } from './helpers/poolingConfigs.js';
import { randomData, seededRandom, type Random } from './helpers/random.js';
import { forceStrategies, type Strategies } from './helpers/strategies.js';

const SECONDS = Number(env('FUZZ_SECONDS') ?? (inBrowser ? 4 : 8)); // the browser runs one adapter after Node's two
const BASE_SEED = Number(env('FUZZ_SEED') ?? 1_000_000);
const SCALE = Number(env('FUZZ_SCALE') ?? 1);
const BATCH = 100;
/** Each op runs at least this many configurations (or all it has) whatever the clock says: a loaded machine
 * that compiles slowly must not turn the fuzz run into a handful of cases. */
const MIN_CONFIGS = 200;

/** Random data with, in one input out of five, a few NaN and ±Inf (PyTorch propagates them; so must we). */
function fuzzData(random: Random, size: number): Float32Array {
  const data = randomData(random, size);
  if (size > 0 && random.chance(0.2)) {
    for (let k = random.int(1, 3); k > 0; k--) data[random.int(0, size - 1)] = random.pick([NaN, Infinity, -Infinity]);
  }
  return data;
}

/** A random strategy for each of `kernels`, so the fuzz run covers every strategy, not only the default. */
function pickStrategies(random: Random, kernels: TunableKernel[]): Strategies {
  return Object.fromEntries(kernels.map((kernel) => [kernel, random.pick(Object.keys(KERNEL_STRATEGIES[kernel]))]));
}

/** Runs `op` with `strategies` forced; ops record synchronously, so the switch covers just this op. */
function withStrategies<R>(strategies: Strategies, op: (t: Tensor) => R): (t: Tensor) => R {
  return (t) => {
    const restore = forceStrategies(t.device, strategies);
    try {
      return op(t);
    } finally {
      restore();
    }
  };
}

const describeStrategies = (strategies: Strategies) =>
  Object.entries(strategies)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

type CpuOutput = { data: Float32Array | Int32Array };

interface Case {
  describe: string;
  x: Float32Array;
  shape: number[];
  /** One tensor, or values and indices. */
  gpu: (x: Tensor) => Tensor | [Tensor, Tensor<'int32'>];
  cpu: () => CpuOutput | [CpuOutput, CpuOutput];
  dispose?: () => void;
}

type Generator = (random: Random) => Case;

function poolingCase(op: PoolingConfig['op']): Generator {
  return (random) => {
    let config = randomPoolingConfig(random);
    while (config.op !== op) config = randomPoolingConfig(random);
    const x = fuzzData(
      random,
      config.shape.reduce((a, b) => a * b, 1),
    );
    const strategies = pickStrategies(random, [op === 'avg_pool2d' ? 'pool_window' : 'pool_adaptive', 'global_avg_pool']);
    return {
      describe: `${JSON.stringify(config)} ${describeStrategies(strategies)}`,
      x,
      shape: config.shape,
      gpu: withStrategies(strategies, (t) =>
        config.op === 'avg_pool2d' ? F.avgPool2d(t, config.kernelSize, config.options) : F.adaptiveAvgPool2d(t, config.outputSize),
      ),
      cpu: () => runReferenceConfig(config, x),
    };
  };
}

const ACTIVATIONS = [undefined, nn.ReLU, nn.ReLU6, nn.Sigmoid, nn.Hardsigmoid, nn.Hardswish] as const;

/** A Sequential of Linear layers, each maybe followed by an activation (fused on the GPU). */
const linearCase: Generator = (random) => {
  const sizes = Array.from({ length: random.int(2, 4) }, () => random.int(1, 40));
  const layers: nn.Module[] = [];
  for (let i = 1; i < sizes.length; i++) {
    layers.push(new nn.Linear(sizes[i - 1]!, sizes[i]!, { bias: random.chance(0.7) }));
    const Activation = random.pick(ACTIVATIONS);
    if (Activation) layers.push(new Activation());
  }
  const mlp = new nn.Sequential(...layers);
  const shape = random.chance(0.3) ? [sizes[0]!] : [random.int(1, 12), sizes[0]!];
  const x = fuzzData(
    random,
    shape.reduce((a, b) => a * b, 1),
  );
  const strategies = pickStrategies(random, ['linear']);
  return {
    describe: `MLP ${JSON.stringify(sizes)} on [${shape}] ${describeStrategies(strategies)}`,
    x,
    shape,
    gpu: withStrategies(strategies, (t) => mlp.forward(t)),
    cpu: () => mlp.forwardCpu({ data: x, shape }),
    dispose: () => mlp.dispose(),
  };
};

const seCase: Generator = (random) => {
  const channels = random.int(1, 48);
  const shape = [random.int(1, 3), channels, random.int(1, 13), random.int(1, 13)];
  let module: nn.SELayer | nn.SqueezeAndExcite;
  if (random.chance(0.5)) {
    module = new nn.SELayer(channels, random.int(1, Math.max(1, channels)));
  } else {
    const adaptive = random.chance(0.5);
    if (!adaptive) shape[3] = shape[2]!; // the fixed pool only fits a square map of its kernel size
    module = new nn.SqueezeAndExcite(channels, channels, shape[2]!, random.int(1, 4), {
      pool: adaptive ? 'adaptive' : 'fixed',
      gate: random.pick(['hardswish', 'hardsigmoid'] as const),
    });
  }
  const x = fuzzData(
    random,
    shape.reduce((a, b) => a * b, 1),
  );
  const strategies = pickStrategies(random, ['global_avg_pool', 'pool_window', 'channel_scale', 'squeeze_excitation']);
  return {
    describe: `${module.constructor.name} on [${shape}] ${describeStrategies(strategies)}`,
    x,
    shape,
    gpu: withStrategies(strategies, (t) => module.forward(t)),
    cpu: () => module.forwardCpu({ data: x, shape }),
    dispose: () => module.dispose(),
  };
};

const headCase: Generator = (random) => {
  const features = random.int(1, 64);
  const fixed = random.chance(0.3);
  const size = fixed ? 7 : random.int(1, 15);
  const shape = [random.int(1, 4), features, size, fixed ? 7 : random.int(1, 15)];
  const head = new nn.ResNetHead(features, random.int(1, 30), { pool: fixed ? 'fixed' : 'adaptive' });
  const x = fuzzData(
    random,
    shape.reduce((a, b) => a * b, 1),
  );
  const strategies = pickStrategies(random, ['global_avg_pool', 'linear']);
  return {
    describe: `ResNetHead on [${shape}] ${describeStrategies(strategies)}`,
    x,
    shape,
    gpu: withStrategies(strategies, (t) => head.forward(t)),
    cpu: () => head.forwardCpu({ data: x, shape }),
    dispose: () => head.dispose(),
  };
};

const activationCase: Generator = (random) => {
  const shape = [random.int(1, 5), random.int(1, 40)];
  const name = random.pick(['relu', 'relu6', 'sigmoid', 'hardsigmoid', 'hardswish'] as const);
  const x = fuzzData(random, shape[0]! * shape[1]!).map((v) => v * 3); // past the kinks at ±3 and 6
  return { describe: `${name} on [${shape}]`, x, shape, gpu: (t) => F[name](t), cpu: () => reference.activation(x, shape, name) };
};

/** A size list of `rank` random ints in [lo, hi]. */
const sizes = (random: Random, rank: number, lo: number, hi: number) => Array.from({ length: rank }, () => random.int(lo, hi));

/**
 * One random op of the rest of the pooling family (max 1-D/2-D/3-D with indices and dilation, AvgPool1d/3d, LPPool,
 * adaptive avg and max, max unpooling of a max pool's indices), batched or not. Configurations PyTorch rejects are
 * drawn again.
 */
const familyCase: Generator = (random) => {
  for (;;) {
    const kind = random.pick(['max', 'avg', 'lp', 'adaptive_avg', 'adaptive_max', 'unpool'] as const);
    const rank = kind === 'lp' ? random.int(1, 2) : kind === 'avg' || kind === 'adaptive_avg' ? random.pick([1, 3]) : random.int(1, 3);
    const spatial = sizes(random, rank, 1, rank === 3 ? 6 : 10);
    const shape = [...(random.chance(0.7) ? [random.int(1, 2)] : []), random.int(1, 3), ...spatial];
    const kernel = sizes(random, rank, 1, 4);
    const stride = random.chance(0.3) ? null : sizes(random, rank, 1, 3);
    const padding = kernel.map((k) => random.int(0, Math.floor(k / 2)));
    const ceilMode = random.chance(0.5);
    let module: nn.AnyModule;
    switch (kind) {
      case 'max':
      case 'unpool': {
        const Max = [nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d][rank - 1]!;
        // Unpooling knows no dilation: its pools have none.
        module = new Max(kernel, {
          stride,
          padding,
          dilation: kind === 'unpool' ? 1 : sizes(random, rank, 1, 3),
          ceilMode,
          returnIndices: kind === 'unpool' || random.chance(0.5),
        });
        break;
      }
      case 'avg':
        module =
          rank === 1
            ? new nn.AvgPool1d(kernel, { stride, padding, ceilMode, countIncludePad: random.chance(0.5) })
            : new nn.AvgPool3d(kernel, {
                stride,
                padding,
                ceilMode,
                countIncludePad: random.chance(0.5),
                divisorOverride: random.chance(0.2) ? random.int(-3, 9) || 1 : null,
              });
        break;
      case 'lp':
        module = new [nn.LPPool1d, nn.LPPool2d][rank - 1]!(random.pick([1, 2, 3, 1.5, 0.5]), kernel, { stride, ceilMode });
        break;
      case 'adaptive_avg':
        module = rank === 1 ? new nn.AdaptiveAvgPool1d(random.int(1, 12)) : new nn.AdaptiveAvgPool3d(sizes(random, 3, 1, 8));
        break;
      case 'adaptive_max':
        module = new [nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d][rank - 1]!(sizes(random, rank, 1, 12), {
          returnIndices: random.chance(0.5),
        });
        break;
    }
    const x = fuzzData(
      random,
      shape.reduce((a, b) => a * b, 1),
    );
    try {
      module.forwardCpu({ data: x, shape });
    } catch {
      continue; // PyTorch rejects it (e.g. an output size below 1): draw again
    }
    const strategies = pickStrategies(random, ['pool_window', 'pool_adaptive', 'global_avg_pool']);
    const describe = `${module.constructor.name} ${JSON.stringify({ kernel, stride, padding, ceilMode })} on [${shape}] ${describeStrategies(strategies)}`;
    if (kind !== 'unpool') {
      const gpu = withStrategies(strategies, (t) => module.forward(t) as Tensor | [Tensor, Tensor<'int32'>]);
      return { describe, x, shape, gpu, cpu: () => module.forwardCpu({ data: x, shape }) as CpuOutput };
    }
    // Unpool a max pool's values at its indices, on the same geometry.
    const [pooled, indices] = module.forwardCpu({ data: x, shape }) as [reference.TensorData, reference.IndexData];
    const unpool = new [nn.MaxUnpool1d, nn.MaxUnpool2d, nn.MaxUnpool3d][rank - 1]!(kernel, { stride, padding });
    // The input's size when PyTorch accepts it (within a stride of the default), else the default; an index
    // that does not fit the default size is PyTorch's error: draw again.
    let outputSize: number[] | null = shape.slice(-rank);
    try {
      unpool.forwardCpu(pooled, indices, outputSize);
    } catch {
      outputSize = null;
      try {
        unpool.forwardCpu(pooled, indices, outputSize);
      } catch {
        continue;
      }
    }
    let indexTensor: Tensor<'int32'> | null = null;
    return {
      describe: `${describe} unpooled`,
      x: pooled.data,
      shape: pooled.shape,
      gpu: (t) => {
        indexTensor = Tensor.fromArray(t.device, indices.data, indices.shape);
        return unpool.forward(t, indexTensor, outputSize);
      },
      cpu: () => unpool.forwardCpu(pooled, indices, outputSize),
      dispose: () => indexTensor?.dispose(),
    };
  }
};

const OPS: [string, Generator, number][] = [
  ['avg_pool2d', poolingCase('avg_pool2d'), 2000],
  ['adaptive_avg_pool2d', poolingCase('adaptive_avg_pool2d'), 2000],
  ['activations', activationCase, 1000],
  ['Linear + activations (Sequential)', linearCase, 300],
  ['SE blocks', seCase, 300],
  ['ResNet head', headCase, 300],
  ['pooling family (max, avg 1-D/3-D, LP, adaptive, unpool)', familyCase, 2000],
];

describe.each(testAdapters())('fuzz on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter);
  });
  afterAll(() => device?.destroy());

  test.each(OPS)('%s against the CPU reference', async (name, generate, configs) => {
    const target = Math.round(configs * SCALE);
    const deadline = performance.now() + SECONDS * 1000;
    let done = 0;
    const opSeed = BASE_SEED + OPS.findIndex((op) => op[0] === name) * 1_000_000;
    while (done < target && (done < MIN_CONFIGS || performance.now() < deadline)) {
      const runs = [];
      for (let i = 0; i < BATCH && done + i < target; i++) {
        const seed = opSeed + done + i;
        const c = generate(seededRandom(seed));
        const x = Tensor.fromArray(device, c.x, c.shape);
        runs.push({ seed, c, x, y: c.gpu(x) });
      }
      for (const { seed, c, x, y } of runs) {
        const what = `${name}, seed ${seed} (rerun: FUZZ_SEED=${seed - (opSeed - BASE_SEED)}): ${c.describe}`;
        const expected = c.cpu();
        const [values, indices] = Array.isArray(y) ? y : [y, null];
        const [expectedValues, expectedIndices] = Array.isArray(expected) ? expected : [expected, null];
        expectClose(await values.toArray(), expectedValues.data, what);
        expect(indices === null, `${what}: indices returned`).toBe(expectedIndices === null);
        if (indices) expect(Array.from(await indices.toArray()), `${what}: indices`).toEqual(Array.from(expectedIndices!.data));
        x.dispose();
        values.dispose();
        indices?.dispose();
        c.dispose?.();
      }
      done += runs.length;
    }
    console.info(`fuzz ${adapter} ${name}: ${done} configurations from seed ${opSeed}`);
    expect(done).toBeGreaterThanOrEqual(Math.min(target, MIN_CONFIGS)); // the time bound never starves a run
  });
});
