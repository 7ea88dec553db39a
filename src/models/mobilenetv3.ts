// torchvision 0.14's MobileNetV3 (models/mobilenetv3.py, ops/misc.py), by its module tree, so its state-dict keys are
// torchvision's (`features.0.0.weight`, `features.1.block.0.fc1.weight`, `classifier.3.bias`): Conv2dNormActivation
// (conv, BatchNorm eps 0.001 momentum 0.01, activation), InvertedResidual, SqueezeExcitation, an adaptive pool.
import type { Tensor } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { F } from '../ops/F.js';
import * as reference from '../ops/reference.js';
import { channelScale } from '../ops/squeezeExcitation/functional.js';
import { Hardsigmoid, Hardswish, ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d } from '../nn/adaptivePooling.js';
import { Flatten, Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/convolution.js';
import { Dropout } from '../nn/dropout.js';
import { Linear } from '../nn/linear.js';
import { type AnyModule, Module } from '../nn/module.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { chainModules } from './chain.js';
import { initConvolutions, initLinears } from './init.js';

/** torchvision's _make_divisible: the nearest multiple of 8, never 10% below `value`. */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

type Activation = 'RE' | 'HS' | null;
const activationOf = (a: Activation) => (a === 'HS' ? new Hardswish() : a === 'RE' ? new ReLU() : null);

/** torchvision's Conv2dNormActivation: a Sequential of Conv2d (no bias, "same" padding), BatchNorm2d, activation. */
export function conv2dNormActivation(
  inChannels: number,
  outChannels: number,
  kernel: number,
  { stride = 1, groups = 1, activation = 'RE' as Activation } = {},
): Sequential {
  const layers: Module[] = [
    new Conv2d(inChannels, outChannels, kernel, { stride, padding: (kernel - 1) >> 1, groups, bias: false }),
    new BatchNorm2d(outChannels, { eps: 0.001, momentum: 0.01 }),
  ];
  const act = activationOf(activation);
  if (act) layers.push(act);
  return new Sequential(...layers);
}

/** torchvision.ops.SqueezeExcitation: avgpool → fc1 (1×1 conv) → relu → fc2 (1×1 conv) → hardsigmoid → x · scale. */
export class SqueezeExcitation extends Module {
  protected readonly typeName = 'SqueezeExcitation';
  readonly avgpool = new AdaptiveAvgPool2d(1);
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;
  readonly activation = new ReLU();
  readonly scaleActivation = new Hardsigmoid();

  constructor(inputChannels: number, squeezeChannels: number) {
    super();
    this.registerModule('avgpool', this.avgpool);
    this.fc1 = this.registerModule('fc1', new Conv2d(inputChannels, squeezeChannels, 1));
    this.fc2 = this.registerModule('fc2', new Conv2d(squeezeChannels, inputChannels, 1));
    this.registerModule('activation', this.activation);
    this.registerModule('scale_activation', this.scaleActivation);
  }

  #gateSteps(): AnyModule[] {
    return [this.avgpool, this.fc1, this.activation, this.fc2, this.scaleActivation];
  }

  outputShape(inputShape: readonly number[]): number[] {
    this.#gateSteps().reduce((shape, m) => m.outputShape(shape), [...inputShape]);
    return [...inputShape];
  }

  protected run(x: Tensor): Tensor {
    const gate = chainModules(x, this.#gateSteps());
    const flat = gate.reshape([x.shape[0]!, x.shape[1]!]);
    gate.dispose();
    const y = channelScale(x, flat);
    flat.dispose();
    return y;
  }

  protected runCpu(x: TensorData): TensorData {
    const gate = this.#gateSteps().reduce((t: TensorData, m) => m.forwardCpu(t) as TensorData, x);
    return reference.channelScale(x.data, x.shape, gate.data);
  }
}

/** One row of torchvision's inverted-residual table (before the width multiplier, which is 1 here). */
export interface InvertedResidualConfig {
  inputChannels: number;
  kernel: number;
  expandedChannels: number;
  outChannels: number;
  useSe: boolean;
  activation: 'RE' | 'HS';
  stride: number;
}

/** torchvision's InvertedResidual: expand (1×1) → depthwise → SE → project (1×1), plus the input when shapes agree. */
export class InvertedResidual extends Module {
  protected readonly typeName = 'InvertedResidual';
  readonly block: Sequential;
  readonly useResConnect: boolean;

  constructor(cnf: InvertedResidualConfig) {
    super();
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const layers: Module[] = [];
    if (cnf.expandedChannels !== cnf.inputChannels)
      layers.push(conv2dNormActivation(cnf.inputChannels, cnf.expandedChannels, 1, { activation: cnf.activation }));
    layers.push(
      conv2dNormActivation(cnf.expandedChannels, cnf.expandedChannels, cnf.kernel, {
        stride: cnf.stride,
        groups: cnf.expandedChannels,
        activation: cnf.activation,
      }),
    );
    if (cnf.useSe) layers.push(new SqueezeExcitation(cnf.expandedChannels, makeDivisible(Math.floor(cnf.expandedChannels / 4))));
    layers.push(conv2dNormActivation(cnf.expandedChannels, cnf.outChannels, 1, { activation: null }));
    this.block = this.registerModule('block', new Sequential(...layers));
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.block.outputShape(inputShape);
  }

  protected run(x: Tensor): Tensor {
    const result = this.block.forward(x);
    if (!this.useResConnect) return result;
    const sum = F.add(result, x);
    result.dispose();
    return sum;
  }

  protected runCpu(x: TensorData): TensorData {
    const result = this.block.forwardCpu(x);
    return this.useResConnect ? { data: result.data.map((v, i) => v + x.data[i]!), shape: result.shape } : result;
  }
}

export interface MobileNetV3Options {
  numClasses?: number;
  /** The classifier's dropout probability (default 0.2). */
  dropout?: number;
}

/**
 * torchvision's MobileNetV3: features (a stem, the inverted residuals, a 1×1 to 6× channels) → avgpool (adaptive 1×1)
 * → flatten → classifier (Linear, Hardswish, Dropout, Linear). Shapes: (N, 3, H, W) → (N, numClasses).
 */
export class MobileNetV3 extends Module {
  protected readonly typeName = 'MobileNetV3';
  readonly features: Sequential;
  readonly avgpool = new AdaptiveAvgPool2d(1);
  readonly flatten = new Flatten(1);
  readonly classifier: Sequential;

  constructor(setting: readonly InvertedResidualConfig[], lastChannel: number, { numClasses = 1000, dropout = 0.2 }: MobileNetV3Options = {}) {
    super();
    const first = setting[0]!.inputChannels;
    const lastIn = setting.at(-1)!.outChannels;
    this.features = this.registerModule(
      'features',
      new Sequential(
        conv2dNormActivation(3, first, 3, { stride: 2, activation: 'HS' }),
        ...setting.map((cnf) => new InvertedResidual(cnf)),
        conv2dNormActivation(lastIn, 6 * lastIn, 1, { activation: 'HS' }),
      ),
    );
    this.registerModule('avgpool', this.avgpool);
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(new Linear(6 * lastIn, lastChannel), new Hardswish(), new Dropout(dropout), new Linear(lastChannel, numClasses)),
    );
    initConvolutions(this);
    initLinears(this, 0.01);
  }

  #steps(): AnyModule[] {
    return [this.features, this.avgpool, this.flatten, this.classifier];
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.#steps().reduce((shape, m) => m.outputShape(shape), [...inputShape]);
  }

  protected run(x: Tensor): Tensor {
    this.outputShape(x.shape);
    return chainModules(x, this.#steps());
  }

  protected runCpu(x: TensorData): TensorData {
    return this.#steps().reduce((t: TensorData, m) => m.forwardCpu(t) as TensorData, x);
  }
}

const row = (inputChannels: number, kernel: number, expandedChannels: number, outChannels: number, useSe: boolean, activation: 'RE' | 'HS', stride: number) =>
  ({ inputChannels, kernel, expandedChannels, outChannels, useSe, activation, stride }) as InvertedResidualConfig;

/** torchvision's mobilenet_v3_large. */
export const mobilenetV3Large = (options: MobileNetV3Options = {}) =>
  new MobileNetV3(
    [
      row(16, 3, 16, 16, false, 'RE', 1),
      row(16, 3, 64, 24, false, 'RE', 2),
      row(24, 3, 72, 24, false, 'RE', 1),
      row(24, 5, 72, 40, true, 'RE', 2),
      row(40, 5, 120, 40, true, 'RE', 1),
      row(40, 5, 120, 40, true, 'RE', 1),
      row(40, 3, 240, 80, false, 'HS', 2),
      row(80, 3, 200, 80, false, 'HS', 1),
      row(80, 3, 184, 80, false, 'HS', 1),
      row(80, 3, 184, 80, false, 'HS', 1),
      row(80, 3, 480, 112, true, 'HS', 1),
      row(112, 3, 672, 112, true, 'HS', 1),
      row(112, 5, 672, 160, true, 'HS', 2),
      row(160, 5, 960, 160, true, 'HS', 1),
      row(160, 5, 960, 160, true, 'HS', 1),
    ],
    1280,
    options,
  );

/** torchvision's mobilenet_v3_small. */
export const mobilenetV3Small = (options: MobileNetV3Options = {}) =>
  new MobileNetV3(
    [
      row(16, 3, 16, 16, true, 'RE', 2),
      row(16, 3, 72, 24, false, 'RE', 2),
      row(24, 3, 88, 24, false, 'RE', 1),
      row(24, 5, 96, 40, true, 'HS', 2),
      row(40, 5, 240, 40, true, 'HS', 1),
      row(40, 5, 240, 40, true, 'HS', 1),
      row(40, 5, 120, 48, true, 'HS', 1),
      row(48, 5, 144, 48, true, 'HS', 1),
      row(48, 5, 288, 96, true, 'HS', 2),
      row(96, 5, 576, 96, true, 'HS', 1),
      row(96, 5, 576, 96, true, 'HS', 1),
    ],
    1024,
    options,
  );
