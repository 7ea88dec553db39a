// The conv.json fixtures (test/fixtures/generate_conv.py) as the kit's modules: PyTorch's arguments in camelCase,
// the generator's parameter values, and the error cases as the kit's calls.
import { F, Tensor, nn } from '../../src/index.js';
import conv from '../fixtures/conv.json';
import { fixtureInput, type Encoded } from './fixtures.js';

export interface ConvCase {
  kind: 'conv';
  name: string;
  input: number[];
  inChannels: number;
  outChannels: number;
  kernelSize: number | [number, number];
  args: Record<string, unknown>;
  shape: number[];
  output: Encoded[];
  gradInput: Encoded[];
  gradWeight: Encoded[];
  gradBias: Encoded[] | null;
  gradFn: string;
  keys: string[];
}

export interface BatchNormCase {
  kind: 'batchnorm';
  name: string;
  input: number[];
  channels: number;
  steps: number;
  train: boolean;
  args: { eps?: number; momentum?: number | null; affine?: boolean; track_running_stats?: boolean };
  outputs: Encoded[][];
  gradInput: Encoded[];
  gradWeight: Encoded[] | null;
  gradBias: Encoded[] | null;
  gradFn: string;
  state: Record<string, { shape: number[]; data: Encoded[]; dtype: string }>;
  keys: string[];
}

export interface ErrorCase {
  kind: 'error';
  name: string;
  error: { type: string; message: string };
}

const cases = conv.cases as (ConvCase | BatchNormCase | ErrorCase)[];
export const convCases = cases.filter((c): c is ConvCase => c.kind === 'conv');
export const batchNormCases = cases.filter((c): c is BatchNormCase => c.kind === 'batchnorm');
export const errorCases = cases.filter((c): c is ErrorCase => c.kind === 'error');

const scaled = (shape: readonly number[], divisor: number) => fixtureInput(shape).map((v) => v / divisor);

/** The case's Conv2d with the generator's weights (fixture_input / 16) and bias (/ 4). */
export function buildConv(c: ConvCase): nn.Conv2d {
  const a = c.args as { stride?: number; padding?: number | 'same' | 'valid'; dilation?: number; groups?: number; bias?: boolean; padding_mode?: 'zeros' };
  const module = new nn.Conv2d(c.inChannels, c.outChannels, c.kernelSize, {
    stride: a.stride,
    padding: a.padding,
    dilation: a.dilation,
    groups: a.groups,
    bias: a.bias,
    paddingMode: a.padding_mode,
  });
  const entries: Record<string, { data: Float32Array; shape: readonly number[] }> = {
    weight: { data: scaled(module.weight.shape, 16), shape: module.weight.shape },
  };
  if (module.bias) entries.bias = { data: scaled(module.bias.shape, 4), shape: module.bias.shape };
  module.loadStateDict(entries);
  return module;
}

/** The case's input (fixture_input / 4). */
export const convInput = (c: ConvCase) => scaled(c.input, 4);

/** The case's BatchNorm2d with the generator's affine parameters. */
export function buildBatchNorm(c: BatchNormCase): nn.BatchNorm2d {
  const module = new nn.BatchNorm2d(c.channels, {
    eps: c.args.eps,
    momentum: c.args.momentum,
    affine: c.args.affine,
    trackRunningStats: c.args.track_running_stats,
  });
  if (module.weight && module.bias) {
    module.weight.data = fixtureInput([c.channels]).map((v) => v / 8 + 1);
    module.bias.data = scaled([c.channels], 16);
  }
  return module.train(c.train);
}

/** The input of step `step` (fixture_input / (4 + step) + step). */
export const batchNormInput = (c: BatchNormCase, step: number) => fixtureInput(c.input).map((v) => v / (4 + step) + step);

/** The kit's call for each error case (the same arguments as the generator's). */
export function errorCall(name: string, device: GPUDevice): () => unknown {
  const zeros = (shape: number[]) => Tensor.fromArray(device, new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  const calls: Record<string, () => unknown> = {
    groups: () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
    'out groups': () => new nn.Conv2d(4, 3, 3, { groups: 2 }),
    'same strided': () => new nn.Conv2d(4, 4, 3, { stride: 2, padding: 'same' }),
    'padding string': () => new nn.Conv2d(4, 4, 3, { padding: 'full' as 'same' }),
    'padding mode': () => new nn.Conv2d(4, 4, 3, { paddingMode: 'mirror' as 'zeros' }),
    channels: () => new nn.Conv2d(3, 4, 3).forward(zeros([1, 4, 8, 8])),
    'kernel too large': () => new nn.Conv2d(4, 4, 3).forward(zeros([1, 4, 2, 2])),
    rank: () => new nn.Conv2d(4, 4, 3).forward(zeros([3, 8])),
    'reflect too wide': () => new nn.Conv2d(4, 4, 3, { padding: 1, paddingMode: 'reflect' }).forward(zeros([1, 4, 1, 5])),
    'depthwise channels': () => new nn.Conv2d(4, 8, 3, { groups: 4 }).forward(zeros([1, 8, 8, 8])),
    'bn rank': () => new nn.BatchNorm2d(3).forward(zeros([3, 4, 4])),
    'bn one value': () => new nn.BatchNorm2d(4).forward(zeros([1, 4, 1, 1])),
    'dropout p': () => new nn.Dropout(1.5),
    'add shapes': () => F.add(zeros([2, 3, 4, 4]), zeros([2, 4, 4, 4])),
  };
  return calls[name]!;
}
