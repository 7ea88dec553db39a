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
function withStrategies(strategies: Strategies, op: (t: Tensor) => Tensor): (t: Tensor) => Tensor {
  return (t) => {
    const restore = forceStrategies(t.device, strategies);
    try {
      return op(t);
    } finally {
      restore();
    }
  };
}

const describeStrategies = (strategies: Strategies) => Object.entries(strategies).map(([k, v]) => `${k}=${v}`).join(' ');

interface Case {
  describe: string;
  x: Float32Array;
  shape: number[];
  gpu: (x: Tensor) => Tensor;
  cpu: () => { data: Float32Array };
  dispose?: () => void;
}

type Generator = (random: Random) => Case;

function poolingCase(op: PoolingConfig['op']): Generator {
  return (random) => {
    let config = randomPoolingConfig(random);
    while (config.op !== op) config = randomPoolingConfig(random);
    const x = fuzzData(random, config.shape.reduce((a, b) => a * b, 1));
    const strategies = pickStrategies(random, [op, 'global_avg_pool2d']);
    return {
      describe: `${JSON.stringify(config)} ${describeStrategies(strategies)}`,
      x,
      shape: config.shape,
      gpu: withStrategies(strategies, (t) => (config.op === 'avg_pool2d' ? F.avgPool2d(t, config.kernelSize, config.options) : F.adaptiveAvgPool2d(t, config.outputSize))),
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
  const x = fuzzData(random, shape.reduce((a, b) => a * b, 1));
  const strategies = pickStrategies(random, ['linear']);
  return { describe: `MLP ${JSON.stringify(sizes)} on [${shape}] ${describeStrategies(strategies)}`, x, shape, gpu: withStrategies(strategies, (t) => mlp.forward(t)), cpu: () => mlp.forwardCpu({ data: x, shape }), dispose: () => mlp.dispose() };
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
    module = new nn.SqueezeAndExcite(channels, channels, shape[2]!, random.int(1, 4), { pool: adaptive ? 'adaptive' : 'fixed', gate: random.pick(['hardswish', 'hardsigmoid'] as const) });
  }
  const x = fuzzData(random, shape.reduce((a, b) => a * b, 1));
  const strategies = pickStrategies(random, ['global_avg_pool2d', 'avg_pool2d', 'channel_scale', 'squeeze_excitation']);
  return { describe: `${module.constructor.name} on [${shape}] ${describeStrategies(strategies)}`, x, shape, gpu: withStrategies(strategies, (t) => module.forward(t)), cpu: () => module.forwardCpu({ data: x, shape }), dispose: () => module.dispose() };
};

const headCase: Generator = (random) => {
  const features = random.int(1, 64);
  const fixed = random.chance(0.3);
  const size = fixed ? 7 : random.int(1, 15);
  const shape = [random.int(1, 4), features, size, fixed ? 7 : random.int(1, 15)];
  const head = new nn.ResNetHead(features, random.int(1, 30), { pool: fixed ? 'fixed' : 'adaptive' });
  const x = fuzzData(random, shape.reduce((a, b) => a * b, 1));
  const strategies = pickStrategies(random, ['global_avg_pool2d', 'linear']);
  return { describe: `ResNetHead on [${shape}] ${describeStrategies(strategies)}`, x, shape, gpu: withStrategies(strategies, (t) => head.forward(t)), cpu: () => head.forwardCpu({ data: x, shape }), dispose: () => head.dispose() };
};

const activationCase: Generator = (random) => {
  const shape = [random.int(1, 5), random.int(1, 40)];
  const name = random.pick(['relu', 'relu6', 'sigmoid', 'hardsigmoid', 'hardswish'] as const);
  const x = fuzzData(random, shape[0]! * shape[1]!).map((v) => v * 3); // past the kinks at ±3 and 6
  return { describe: `${name} on [${shape}]`, x, shape, gpu: (t) => F[name](t), cpu: () => reference.activation(x, shape, name) };
};

const OPS: [string, Generator, number][] = [
  ['avg_pool2d', poolingCase('avg_pool2d'), 2000],
  ['adaptive_avg_pool2d', poolingCase('adaptive_avg_pool2d'), 2000],
  ['activations', activationCase, 1000],
  ['Linear + activations (Sequential)', linearCase, 300],
  ['SE blocks', seCase, 300],
  ['ResNet head', headCase, 300],
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
        expectClose(await y.toArray(), c.cpu().data, `${name}, seed ${seed} (rerun: FUZZ_SEED=${seed - (opSeed - BASE_SEED)}): ${c.describe}`);
        x.dispose();
        y.dispose();
        c.dispose?.();
      }
      done += runs.length;
    }
    console.info(`fuzz ${adapter} ${name}: ${done} configurations from seed ${opSeed}`);
    expect(done).toBeGreaterThanOrEqual(Math.min(target, MIN_CONFIGS)); // the time bound never starves a run
  });
});

