// Every op that trains, against PyTorch 1.13's autograd (test/fixtures/autograd.json): the GPU backward through
// Tensor.backward on every adapter, and the CPU reference where the kit has one (pooling, the losses).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, nn } from '../../src/index.js';
import { fixtureInput } from '../helpers/fixtures.js';
import { avgPoolBackwardReference, maxPoolBackwardReference, type TrainablePlan } from '../../src/ops/pooling/backward.js';
import { planMaxPool, resolveMaxPoolArgs } from '../../src/ops/pooling/maxPoolPlan.js';
import { planAdaptiveAvgPool1d, planAdaptiveAvgPool2d, planAdaptiveAvgPool3d, planAdaptiveMaxPool } from '../../src/ops/pooling/adaptivePlan.js';
import { planAvgPool1d, planAvgPool2d, planAvgPool3d, resolveAvgPool2dArgs, resolveAvgPoolArgs } from '../../src/ops/pooling/windowPlan.js';
import * as lossReference from '../../src/ops/loss/reference.js';
import { casesOf, decode, describeGrad, type GradCase, gradInputOf, upstreamOf, autogradFixtures } from '../helpers/autogradFixtures.js';
import { expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';

const grads = casesOf('grad');
const ACTIVATIONS = ['relu', 'relu6', 'sigmoid', 'hardsigmoid', 'hardswish'] as const;

function runOp(c: GradCase, x: Tensor): Tensor {
  const a = c.args;
  const avg = { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad, divisorOverride: a.divisorOverride };
  switch (c.op) {
    case 'avg_pool1d':
      return F.avgPool1d(x, a.kernelSize, avg);
    case 'avg_pool2d':
      return F.avgPool2d(x, a.kernelSize, avg);
    case 'avg_pool3d':
      return F.avgPool3d(x, a.kernelSize, avg);
    case 'adaptive_avg_pool1d':
      return F.adaptiveAvgPool1d(x, a.outputSize);
    case 'adaptive_avg_pool2d':
      return F.adaptiveAvgPool2d(x, a.outputSize);
    case 'adaptive_avg_pool3d':
      return F.adaptiveAvgPool3d(x, a.outputSize);
    case 'max_pool1d':
    case 'max_pool2d':
    case 'max_pool3d':
      return F[({ max_pool1d: 'maxPool1d', max_pool2d: 'maxPool2d', max_pool3d: 'maxPool3d' } as const)[c.op]](x, a.kernelSize, {
        stride: a.stride,
        padding: a.padding,
        dilation: a.dilation,
        ceilMode: a.ceilMode,
      });
    case 'lp_pool1d':
      return F.lpPool1d(x, a.normType, a.kernelSize, { stride: a.stride, ceilMode: a.ceilMode });
    case 'lp_pool2d':
      return F.lpPool2d(x, a.normType, a.kernelSize, { stride: a.stride, ceilMode: a.ceilMode });
    case 'adaptive_max_pool1d':
      return F.adaptiveMaxPool1d(x, a.outputSize);
    case 'adaptive_max_pool2d':
      return F.adaptiveMaxPool2d(x, a.outputSize);
    case 'adaptive_max_pool3d':
      return F.adaptiveMaxPool3d(x, a.outputSize);
    case 'max_unpool1d':
    case 'max_unpool2d':
    case 'max_unpool3d': {
      const indices = Tensor.fromArray(x.device, Int32Array.from(c.indices!), c.input);
      const unpool = { max_unpool1d: F.maxUnpool1d, max_unpool2d: F.maxUnpool2d, max_unpool3d: F.maxUnpool3d }[c.op];
      const y = unpool(x, indices, a.kernelSize, { stride: a.stride, padding: a.padding, outputSize: a.outputSize });
      indices.dispose();
      return y;
    }
    default:
      return F[c.op as (typeof ACTIVATIONS)[number]](x);
  }
}

function planOf(c: GradCase): TrainablePlan {
  const a = c.args;
  const avg = { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad, divisorOverride: a.divisorOverride };
  const plans: Record<string, () => unknown> = {
    avg_pool1d: () => planAvgPool1d(c.input, resolveAvgPoolArgs(1, a.kernelSize, avg)),
    avg_pool2d: () => planAvgPool2d(c.input, resolveAvgPool2dArgs(a.kernelSize, avg)),
    avg_pool3d: () => planAvgPool3d(c.input, resolveAvgPoolArgs(3, a.kernelSize, avg)),
    adaptive_avg_pool1d: () => planAdaptiveAvgPool1d(c.input, a.outputSize),
    adaptive_avg_pool2d: () => planAdaptiveAvgPool2d(c.input, a.outputSize),
    adaptive_avg_pool3d: () => planAdaptiveAvgPool3d(c.input, a.outputSize),
  };
  return plans[c.op]!() as TrainablePlan;
}

describe(`the CPU reference's gradients vs PyTorch ${autogradFixtures.torch}`, () => {
  test('the fixtures cover every op that trains', () => {
    const ops = new Set(grads.map((c) => c.op));
    for (const op of ['avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d', ...ACTIVATIONS])
      expect(ops.has(op), op).toBe(true);
    expect(grads.filter((c) => c.op === 'avg_pool2d').length).toBeGreaterThan(100);
  });

  test.each([...new Set(grads.filter((c) => c.op.includes('avg_pool')).map((c) => c.op))])('%s: every case', (op) => {
    for (const c of grads.filter((g) => g.op === op)) {
      expectClose(avgPoolBackwardReference(upstreamOf(c.shape), planOf(c)), decode(c.gradInput), describeGrad(c));
    }
  });

  test('max and adaptive max pooling: the gradient at the argmax of the reference forward', () => {
    for (const c of grads.filter((g) => g.op.includes('max_pool'))) {
      const a = c.args;
      const rank = Number(/(\d)d$/.exec(c.op)![1]) as 1 | 2 | 3;
      const x = { data: gradInputOf(c), shape: c.input };
      const [, indices] = c.op.startsWith('adaptive')
        ? new [nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d][rank - 1]!(a.outputSize, { returnIndices: true }).forwardCpu(x)
        : new [nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d][rank - 1]!(a.kernelSize, {
            stride: a.stride,
            padding: a.padding,
            dilation: a.dilation,
            ceilMode: a.ceilMode,
            returnIndices: true,
          }).forwardCpu(x);
      const plan = c.op.startsWith('adaptive')
        ? planAdaptiveMaxPool(c.input, { rank, outputSize: a.outputSize, returnIndices: true })
        : planMaxPool(c.input, resolveMaxPoolArgs(rank, a.kernelSize, { ...a, returnIndices: true }));
      expectClose(maxPoolBackwardReference(upstreamOf(c.shape), indices.data as Int32Array, plan as TrainablePlan), decode(c.gradInput), describeGrad(c));
    }
  });

  test('cross-entropy and MSE: losses and input gradients', () => {
    for (const c of casesOf('cross_entropy')) {
      const target = c.probabilities ? Float32Array.from(c.target) : Int32Array.from(c.target);
      const { loss, grad } = lossReference.crossEntropy(decode(c.x), c.input, target, { ...c.options, weight: c.weight ? decode(c.weight) : null });
      const what = `cross_entropy ${JSON.stringify(c.options)} [${c.input}]`;
      expectClose(loss, decode(c.loss), what);
      expectClose(grad, decode(c.gradInput), `${what}: grad`);
    }
    // nn.CrossEntropyLoss's CPU path cannot read GPU class weights: a clear error, not weights silently dropped.
    // (A stand-in Tensor: this suite has no device. A non-Tensor weight is PyTorch's TypeError at construction.)
    expect(() => new nn.CrossEntropyLoss({ weight: {} as Tensor })).toThrow("CrossEntropyLoss(): argument 'weight' must be Tensor, not Object");
    const weighted = new nn.CrossEntropyLoss({ weight: Object.create(Tensor.prototype) as Tensor });
    expect(() => weighted.forwardCpu({ data: new Float32Array(6), shape: [2, 3] }, { data: new Int32Array(2) })).toThrow('class weights are a GPU tensor');
    for (const c of casesOf('mse')) {
      const { loss, grad } = lossReference.mseLoss(decode(c.x), decode(c.target), c.reduction);
      expectClose(loss, decode(c.loss), `mse ${c.reduction}`);
      expectClose(grad, decode(c.gradInput), `mse ${c.reduction}: grad`);
    }
  });
});

describe.each(testAdapters())('gradients on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test('pooling and activations: outputs, gradFn names and input gradients (all queued before any readback)', async () => {
    const runs = grads.map((c) => {
      const x = Tensor.fromArray(device, gradInputOf(c), c.input, { requiresGrad: true });
      const y = runOp(c, x);
      const g = Tensor.fromArray(device, upstreamOf(c.shape), c.shape);
      y.backward(g);
      return { c, x, y, g };
    });
    for (const { c, x, y, g } of runs) {
      const what = describeGrad(c);
      expect(y.gradFn?.name, what).toBe(c.gradFn);
      expectClose(await y.toArray(), decode(c.output), `${what}: output`);
      expectClose(await x.grad!.toArray(), decode(c.gradInput), `${what}: grad`);
      for (const t of [x, y, g]) t.dispose();
    }
  });

  test('Linear: the input, weight and bias gradients', async () => {
    for (const c of casesOf('linear')) {
      const x = Tensor.fromArray(device, decode(c.x), [c.rows, c.inFeatures], { requiresGrad: true });
      const w = Tensor.fromArray(device, decode(c.weight), [c.outFeatures, c.inFeatures], { requiresGrad: true });
      const b = c.biasData ? Tensor.fromArray(device, decode(c.biasData), [c.outFeatures], { requiresGrad: true }) : null;
      const y = F.linear(x, w, b);
      expect(y.gradFn?.name).toBe(c.gradFn);
      const g = Tensor.fromArray(device, upstreamOf([c.rows, c.outFeatures]), [c.rows, c.outFeatures]);
      y.backward(g);
      const what = `linear ${c.rows}x${c.inFeatures}→${c.outFeatures}`;
      expectClose(await y.toArray(), decode(c.output), what);
      expectClose(await x.grad!.toArray(), decode(c.gradInput), `${what}: dX`);
      expectClose(await w.grad!.toArray(), decode(c.gradWeight), `${what}: dW`);
      if (b) expectClose(await b.grad!.toArray(), decode(c.gradBias!), `${what}: db`);
      for (const t of [x, w, b, y, g]) t?.dispose();
    }
  });

  test('cross-entropy (weights, ignore_index, reductions, label smoothing, probabilities, (N, C, d…)) and MSE', async () => {
    for (const c of casesOf('cross_entropy')) {
      const x = Tensor.fromArray(device, decode(c.x), c.input, { requiresGrad: true });
      const target = c.probabilities
        ? Tensor.fromArray(device, Float32Array.from(c.target), c.input)
        : Tensor.fromArray(device, Int32Array.from(c.target), [c.input[0]!, ...c.input.slice(2)]);
      const weight = c.weight ? Tensor.fromArray(device, decode(c.weight), [c.input[1]!]) : null;
      const loss = F.crossEntropy(x, target, { ...c.options, weight });
      expect(loss.shape).toEqual(c.lossShape);
      expect(loss.gradFn?.name).toBe(c.gradFn);
      const ones = Tensor.fromArray(device, new Float32Array(loss.size).fill(1), loss.shape);
      loss.backward(ones);
      const what = `cross_entropy ${JSON.stringify(c.options)} [${c.input}]${c.probabilities ? ' probabilities' : ''}`;
      expectClose(await loss.toArray(), decode(c.loss), what);
      expectClose(await x.grad!.toArray(), decode(c.gradInput), `${what}: grad`);
      for (const t of [x, target, weight, loss, ones]) t?.dispose();
    }
    for (const c of casesOf('mse')) {
      const x = Tensor.fromArray(device, decode(c.x), c.input, { requiresGrad: true });
      const t = Tensor.fromArray(device, decode(c.target), c.input);
      const loss = F.mseLoss(x, t, { reduction: c.reduction });
      const ones = Tensor.fromArray(device, new Float32Array(loss.size).fill(1), loss.shape);
      loss.backward(ones);
      expectClose(await loss.toArray(), decode(c.loss), `mse ${c.reduction}`);
      expectClose(await x.grad!.toArray(), decode(c.gradInput), `mse ${c.reduction}: grad`);
      for (const u of [x, t, loss, ones]) u.dispose();
    }
  });

  test('the SE blocks and the ResNet head train through their children: the input and every parameter', async () => {
    const make: Record<string, () => nn.Module> = {
      SELayer: () => new nn.SELayer(16, 4),
      SqueezeAndExcite: () => new nn.SqueezeAndExcite(16, 16, 5, 4),
      'SqueezeAndExcite adaptive': () => new nn.SqueezeAndExcite(8, 8, 3, 2, { pool: 'adaptive' }),
      ResNetHead: () => new nn.ResNetHead(16, 5),
      'ResNetHead fixed': () => new nn.ResNetHead(16, 5, { pool: 'fixed' }),
    };
    for (const c of casesOf('module')) {
      const module = make[c.name]!();
      module.loadStateDict(Object.fromEntries(Object.entries(c.weights).map(([k, w]) => [k, { shape: w.shape, data: decode(w.data) }])));
      module.train();
      const x = Tensor.fromArray(
        device,
        Float32Array.from(fixtureInput(c.input), (v) => v / 4),
        c.input,
        { requiresGrad: true },
      );
      const y = module.forward(x);
      const g = Tensor.fromArray(device, upstreamOf(c.shape), c.shape);
      y.backward(g);
      expectClose(await y.toArray(), decode(c.output), `${c.name}: output`);
      expectClose(await x.grad!.toArray(), decode(c.gradInput), `${c.name}: input gradient`);
      for (const [key, p] of module.namedParameters()) expectClose(await p.grad!.toArray(), decode(c.gradParameters[key]!), `${c.name}: ${key}`);
      for (const t of [x, y, g]) t.dispose();
      module.dispose();
    }
  });
});
