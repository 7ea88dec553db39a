// torchvision 0.14's ResNet (models/resnet.py), by its module tree, so its state-dict keys are torchvision's
// (`conv1.weight`, `bn1.running_mean`, `layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`, `fc.weight`):
// BasicBlock (ResNet-18/34) and Bottleneck (ResNet-50), an adaptive average pool, so any image size works.
import type { Tensor } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { F } from '../ops/F.js';
import * as reference from '../ops/reference.js';
import { ReLU } from '../nn/activation.js';
import { AdaptiveAvgPool2d } from '../nn/adaptivePooling.js';
import { Flatten, Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/convolution.js';
import { Linear } from '../nn/linear.js';
import { type AnyModule, Module } from '../nn/module.js';
import { BatchNorm2d } from '../nn/normalization.js';
import { MaxPool2d } from '../nn/pooling.js';
import { chain, chainModules } from './chain.js';
import { initConvolutions } from './init.js';

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1) => new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) => new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

/** out = relu(main(x) + shortcut(x)): a residual block's ending, its intermediates released. */
function residual(x: Tensor, main: Tensor, downsample: Sequential | null): Tensor {
  const identity = downsample ? downsample.forward(x) : x;
  const sum = F.add(main, identity);
  main.dispose();
  if (identity !== x) identity.dispose();
  const out = F.relu(sum);
  sum.dispose();
  return out;
}

/** The CPU side of `residual`. */
function residualCpu(x: TensorData, main: TensorData, downsample: Sequential | null): TensorData {
  const identity = downsample ? downsample.forwardCpu(x) : x;
  const sum = main.data.map((v, i) => v + identity.data[i]!);
  return reference.activation(sum, main.shape, 'relu');
}

/** torchvision's BasicBlock: conv3x3 → bn → relu → conv3x3 → bn, plus the (downsampled) input, then relu. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  protected readonly typeName = 'BasicBlock';
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Sequential | null = null) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inPlanes, planes, stride));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.registerModule('relu', this.relu);
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.downsample = downsample && this.registerModule('downsample', downsample);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.bn2.outputShape(this.conv2.outputShape(this.conv1.outputShape(inputShape)));
  }

  protected run(x: Tensor): Tensor {
    const main = chain(x, [
      (t) => this.conv1.forward(t),
      (t) => this.bn1.forward(t),
      (t) => this.relu.forward(t),
      (t) => this.conv2.forward(t),
      (t) => this.bn2.forward(t),
    ]);
    return residual(x, main, this.downsample);
  }

  protected runCpu(x: TensorData): TensorData {
    const main = [this.conv1, this.bn1, this.relu, this.conv2, this.bn2].reduce((t: TensorData, m: AnyModule) => m.forwardCpu(t) as TensorData, x);
    return residualCpu(x, main, this.downsample);
  }
}

/** torchvision's Bottleneck: 1×1 → 3×3 (the stride) → 1×1 (×4 channels), each with its bn, plus the input, relu. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  protected readonly typeName = 'Bottleneck';
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu = new ReLU();
  readonly downsample: Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Sequential | null = null) {
    super();
    const width = planes;
    this.conv1 = this.registerModule('conv1', conv1x1(inPlanes, width));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.conv2 = this.registerModule('conv2', conv3x3(width, width, stride));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(width));
    this.conv3 = this.registerModule('conv3', conv1x1(width, planes * Bottleneck.expansion));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(planes * Bottleneck.expansion));
    this.registerModule('relu', this.relu);
    this.downsample = downsample && this.registerModule('downsample', downsample);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.conv3.outputShape(this.conv2.outputShape(this.conv1.outputShape(inputShape)));
  }

  #steps(): AnyModule[] {
    return [this.conv1, this.bn1, this.relu, this.conv2, this.bn2, this.relu, this.conv3, this.bn3];
  }

  protected run(x: Tensor): Tensor {
    const main = chainModules(x, this.#steps());
    return residual(x, main, this.downsample);
  }

  protected runCpu(x: TensorData): TensorData {
    const main = this.#steps().reduce((t: TensorData, m) => m.forwardCpu(t) as TensorData, x);
    return residualCpu(x, main, this.downsample);
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions {
  /** The classifier's outputs (default 1000). */
  numClasses?: number;
}

/**
 * torchvision's ResNet: conv1 (7×7, stride 2) → bn1 → relu → maxpool (3, 2, 1) → layer1..4 → avgpool (adaptive 1×1)
 * → flatten → fc. Shapes: input (N, 3, H, W), any H and W the strides allow → output (N, numClasses).
 */
export class ResNet extends Module {
  protected readonly typeName = 'ResNet';
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  readonly layers: Sequential[];
  readonly avgpool: AdaptiveAvgPool2d | Module;
  readonly flatten = new Flatten(1);
  readonly fc: Linear;

  constructor(block: Block, layers: readonly [number, number, number, number], { numClasses = 1000 }: ResNetOptions = {}) {
    super();
    let inPlanes = 64;
    this.conv1 = this.registerModule('conv1', new Conv2d(3, inPlanes, 7, { stride: 2, padding: 3, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(inPlanes));
    this.registerModule('relu', this.relu);
    this.registerModule('maxpool', this.maxpool);
    this.layers = [64, 128, 256, 512].map((planes, i) => {
      const stride = i === 0 ? 1 : 2;
      const out = planes * block.expansion;
      const downsample = stride !== 1 || inPlanes !== out ? new Sequential(conv1x1(inPlanes, out, stride), new BatchNorm2d(out)) : null;
      const blocks: Module[] = [new block(inPlanes, planes, stride, downsample)];
      inPlanes = out;
      for (let b = 1; b < layers[i]!; b++) blocks.push(new block(inPlanes, planes));
      return this.registerModule(`layer${i + 1}`, new Sequential(...blocks));
    });
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d([1, 1]));
    this.fc = this.registerModule('fc', new Linear(512 * block.expansion, numClasses));
    initConvolutions(this); // BatchNorm starts at ones and zeros, the Linear as PyTorch's default
  }

  /** Replaces the pool (the seed's lesson: a fixed `AvgPool2d(7)` breaks at 448×448 with PyTorch's error). */
  setPool(pool: Module): this {
    (this as { avgpool: Module }).avgpool = this.registerModule('avgpool', pool);
    return this;
  }

  #steps(): AnyModule[] {
    return [this.conv1, this.bn1, this.relu, this.maxpool, ...this.layers, this.avgpool, this.flatten, this.fc];
  }

  outputShape(inputShape: readonly number[]): number[] {
    return this.#steps().reduce((shape, m) => m.outputShape(shape), [...inputShape]);
  }

  protected run(x: Tensor): Tensor {
    this.outputShape(x.shape); // every shape error (the image too small, a pool that no longer fits) before GPU work
    return chainModules(x, this.#steps());
  }

  protected runCpu(x: TensorData): TensorData {
    return this.#steps().reduce((t: TensorData, m) => m.forwardCpu(t) as TensorData, x);
  }
}

/** torchvision's resnet18: BasicBlock × [2, 2, 2, 2]. */
export const resnet18 = (options: ResNetOptions = {}) => new ResNet(BasicBlock, [2, 2, 2, 2], options);
/** torchvision's resnet34: BasicBlock × [3, 4, 6, 3]. */
export const resnet34 = (options: ResNetOptions = {}) => new ResNet(BasicBlock, [3, 4, 6, 3], options);
/** torchvision's resnet50: Bottleneck × [3, 4, 6, 3]. */
export const resnet50 = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 6, 3], options);
