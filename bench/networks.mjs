// npm run bench:networks [-- --adapter llvmpipe|swiftshader|hardware] [--runs N] [--batch 1,8] [--size 224]:
// whole-network inference, ours (eval under noGrad) beside ONNX Runtime Web on the same device and onnxruntime-node on
// the CPU, running the same weights: the ONNX graph is written in memory from the kit's module tree (bench/onnx.mjs),
// so no export step or model file is needed. Each peer's logits are checked against ours before it is timed. Wall clock
// to the GPU's end, median (min–max); results in bench/results/networks-<adapter>-<date>.json. Not part of --quick.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Tensor, manualSeed, models, nn, noGrad, synchronize } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';
import { onnxModel } from './onnx.mjs';
import { loadOrtNode } from './peers/ortNode.mjs';
import { loadOrtWeb } from './peers/ortWeb.mjs';
import { median } from './stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(option('--runs', 5));
const BATCHES = option('--batch', '1').split(',').map(Number);
const SIZE = Number(option('--size', 224));
const device = await requestDevice({ adapter: option('--adapter', undefined) });

/** The module tree as ONNX nodes: each step's nodes from `input` to a fresh output name. */
function toOnnx(net) {
  const nodes = [];
  const initializers = {};
  let counter = 0;
  const fresh = () => `t${counter++}`;
  const constant = (data, shape) => {
    const name = `c${counter++}`;
    initializers[name] = { data, shape };
    return name;
  };
  const emit = (op, inputs, attributes = {}) => {
    const output = fresh();
    nodes.push({ op, inputs, outputs: [output], attributes });
    return output;
  };
  const visit = (m, x) => {
    if (m instanceof nn.Conv2d) {
      const { stride, dilation, groups, padding } = m.args;
      const [kH, kW] = m.kernelSize;
      const pads = padding === 'same' ? [(kH - 1) >> 1, (kW - 1) >> 1, kH >> 1, kW >> 1] : [padding[0], padding[1], padding[0], padding[1]];
      const inputs = [x, constant(m.weight.data, m.weight.shape), ...(m.bias ? [constant(m.bias.data, m.bias.shape)] : [])];
      return emit('Conv', inputs, { kernel_shape: [kH, kW], strides: stride, dilations: dilation, pads, group: groups });
    }
    if (m instanceof nn.BatchNorm2d) {
      const c = m.numFeatures;
      const ones = new Float32Array(c).fill(1);
      const inputs = [
        x,
        constant(m.weight?.data ?? ones, [c]),
        constant(m.bias?.data ?? new Float32Array(c), [c]),
        constant(m.runningMean.data, [c]),
        constant(m.runningVar.data, [c]),
      ];
      return emit('BatchNormalization', inputs, { epsilon: m.eps });
    }
    if (m instanceof nn.ReLU) return emit('Relu', [x]);
    if (m instanceof nn.Hardswish) return emit('HardSwish', [x]);
    if (m instanceof nn.Hardsigmoid) return emit('HardSigmoid', [x], { alpha: 1 / 6, beta: 0.5 });
    if (m instanceof nn.MaxPool2d) return emit('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    if (m instanceof nn.AdaptiveAvgPool2d) return emit('GlobalAveragePool', [x]);
    if (m instanceof nn.Flatten) return emit('Flatten', [x], { axis: 1 });
    if (m instanceof nn.Linear) return emit('Gemm', [x, constant(m.weight.data, m.weight.shape), constant(m.bias.data, m.bias.shape)], { transB: 1 });
    if (m instanceof nn.Dropout || m instanceof nn.Identity) return x;
    if (m instanceof nn.Sequential) return [...Array(m.length).keys()].reduce((t, i) => visit(m.at(i), t), x);
    if (m instanceof models.BasicBlock || m instanceof models.Bottleneck) {
      const steps =
        m instanceof models.BasicBlock ? [m.conv1, m.bn1, m.relu, m.conv2, m.bn2] : [m.conv1, m.bn1, m.relu, m.conv2, m.bn2, m.relu, m.conv3, m.bn3];
      const main = steps.reduce((t, s) => visit(s, t), x);
      const identity = m.downsample ? visit(m.downsample, x) : x;
      return emit('Relu', [emit('Add', [main, identity])]);
    }
    if (m instanceof models.InvertedResidual) {
      const y = visit(m.block, x);
      return m.useResConnect ? emit('Add', [y, x]) : y;
    }
    if (m instanceof models.SqueezeExcitation) {
      const scale = [m.avgpool, m.fc1, m.activation, m.fc2, m.scaleActivation].reduce((t, s) => visit(s, t), x);
      return emit('Mul', [x, scale]);
    }
    if (m instanceof models.ResNet) return [m.conv1, m.bn1, m.relu, m.maxpool, ...m.layers, m.avgpool, m.flatten, m.fc].reduce((t, s) => visit(s, t), x);
    if (m instanceof models.MobileNetV3) return [m.features, m.avgpool, m.flatten, m.classifier].reduce((t, s) => visit(s, t), x);
    throw new Error(`bench/networks.mjs: no ONNX form for ${m.constructor.name}`);
  };
  const output = visit(net, 'x');
  nodes.at(-1).outputs = ['y'];
  if (output === 'x') throw new Error('an empty network');
  return { nodes, initializers };
}

async function time(fn) {
  await fn();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
}

const [ortWeb, ortNode] = await Promise.all([loadOrtWeb(device), loadOrtNode()]);
const rows = [];
for (const name of ['resnet18', 'mobilenetV3Small']) {
  manualSeed(0);
  const net = models[name]({ numClasses: 1000 }).eval();
  const graph = toOnnx(net);
  for (const batch of BATCHES) {
    const shape = [batch, 3, SIZE, SIZE];
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
    const x = Tensor.fromArray(device, data, shape);
    const forward = async () => {
      const y = noGrad(() => net.forward(x));
      await synchronize(device);
      return y;
    };
    const ours = await (await forward()).toArray();
    const row = { network: name, shape, ours: await time(async () => (await forward()).dispose()) };
    const model = onnxModel({ ...graph, input: ['x', shape], output: ['y', [batch, 1000]] });
    for (const [key, peer, feed] of [
      ['ortWeb', ortWeb, () => ortWeb.input(x)],
      ['ortNode', ortNode, () => ortNode.input(data, shape)],
    ]) {
      const session = await peer.session(model);
      const feeds = { x: feed() };
      const theirs = await peer.read(await peer.run(session, feeds));
      const worst = Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours[i]) / (1e-3 + Math.abs(ours[i]))));
      row[`${key}MaxRelativeDifference`] = worst;
      row[key] = await time(async () => (await peer.run(session, feeds)).dispose?.());
      await session.release();
    }
    row.ortWebOverOurs = row.ortWeb.medianMs / row.ours.medianMs;
    console.error(
      `${name} [${shape}]: ours ${row.ours.medianMs.toFixed(0)} ms, ORT-web ${row.ortWeb.medianMs.toFixed(0)} ms (${row.ortWebOverOurs.toFixed(2)}×), ORT-node CPU ${row.ortNode.medianMs.toFixed(0)} ms; max rel. difference of the logits: ORT-web ${row.ortWebMaxRelativeDifference.toExponential(1)}`,
    );
    rows.push(row);
    x.dispose();
  }
  net.dispose();
}
const ms = (t) => `${t.medianMs.toFixed(0)} (${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)})`;
const date = new Date().toISOString().slice(0, 10);
console.log(`\n${device.label}, ${date}: whole-network inference, median (min–max) ms over ${RUNS} runs\n`);
console.log('| network [input] | ours (eval, noGrad) | ORT-web WebGPU | ORT-web / ours | ORT-node CPU |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.network} [${r.shape}] | ${ms(r.ours)} | ${ms(r.ortWeb)} | ${r.ortWebOverOurs.toFixed(2)}× | ${ms(r.ortNode)} |`);
const adapterName = (/(swiftshader|llvmpipe)/i.exec(device.label)?.[1] ?? 'hardware').toLowerCase();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/networks-${adapterName}-${date}.json`, import.meta.url),
  `${JSON.stringify({ device: device.label, date, runs: RUNS, rows }, null, 1)}\n`,
);
process.exit(0);
