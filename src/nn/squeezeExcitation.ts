// The seed's two squeeze-and-excitation blocks. Both run as three dispatches in one command encoder:
// pool → fused excitation MLP → channel scale; the only full-size tensor written is the output.
import { TorchError, messages } from '../errors.js';
import { channelScale, squeezeExcitationGate } from '../functional.js';
import type { ActivationName } from '../kernels/activations.js';
import * as reference from '../reference/index.js';
import type { TensorData } from '../reference/tensorData.js';
import type { Tensor } from '../tensor.js';
import { Hardsigmoid, Hardswish, ReLU, ReLU6, Sigmoid } from './activation.js';
import { Sequential } from './container.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { AdaptiveAvgPool2d, AvgPool2d } from './pooling.js';

/** PyTorch's `b, c, h, w = x.size()`: a 4-D input or Python's unpacking error. */
function unpack4(shape: readonly number[]): [number, number, number, number] {
  if (shape.length < 4) throw new TorchError(messages.notEnoughValuesToUnpack(4, shape.length), 'ValueError');
  if (shape.length > 4) throw new TorchError(messages.tooManyValuesToUnpack(4), 'ValueError');
  return shape as unknown as [number, number, number, number];
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, but got ${String(value)}`);
}

/** Pool → excitation MLP: the per-channel gate (N, C), once every shape is known to be valid. */
function excite(x: Tensor, pool: Module, pooledFeatures: number, first: Linear, second: Linear, activations: [ActivationName, ActivationName]): Tensor {
  const pooled = pool.forward(x);
  const flat = pooled.reshape([x.shape[0]!, pooledFeatures]);
  pooled.dispose();
  const gate = squeezeExcitationGate(flat, first.dense(x.device, activations[0]), second.dense(x.device, activations[1]));
  flat.dispose();
  return gate;
}

/**
 * What both SE blocks share: y = x · excitation(x), the gate released once the scale that reads it is
 * recorded; on the CPU, the same composition on the reference ops.
 */
export abstract class ExcitationBlock extends Module {
  /** The attention weights, one per channel. Shapes: (N, C, H, W) → (N, C). */
  abstract excitation(x: Tensor): Tensor;

  /** The pool and the MLP after it, as PyTorch names them for this block. */
  protected abstract parts(): { pool: Module; mlp: Sequential };

  /** `excitation` on the CPU reference ops: pool, flatten, the MLP, checked against `.view(b, c, 1, 1)`. */
  excitationCpu(x: TensorData): TensorData {
    this.checkUsable();
    const { pool, mlp } = this.parts();
    const [b, c] = unpack4(x.shape);
    const pooled = pool.forwardCpu(x);
    const gate = mlp.forwardCpu({ data: pooled.data, shape: [b, pooled.data.length / b] });
    if (gate.data.length !== b * c) throw new TorchError(messages.invalidView([b, c, 1, 1], gate.data.length));
    return gate;
  }

  protected run(x: Tensor): Tensor {
    const gate = this.excitation(x);
    const y = channelScale(x, gate);
    gate.dispose();
    return y;
  }

  protected runCpu(x: TensorData): TensorData {
    return reference.channelScale(x.data, x.shape, this.excitationCpu(x).data);
  }
}

/**
 * The SE block (Hu et al.): y = x · σ(W2 · relu(W1 · avgpool(x))), per channel.
 * Keys `fc.0.weight` (channel/reduction, channel) and `fc.2.weight` (channel, channel/reduction); no biases.
 * Shapes: input (N, C, H, W) → output (N, C, H, W).
 */
export class SELayer extends ExcitationBlock {
  protected readonly typeName = 'SELayer';
  readonly avgPool: AdaptiveAvgPool2d;
  readonly fc: Sequential;

  constructor(
    readonly channel: number,
    readonly reduction = 16,
  ) {
    super();
    checkCount('channel', channel);
    checkCount('reduction', reduction);
    const hidden = Math.floor(channel / reduction);
    this.avgPool = this.registerModule('avg_pool', new AdaptiveAvgPool2d(1));
    this.fc = this.registerModule(
      'fc',
      new Sequential(new Linear(channel, hidden, { bias: false }), new ReLU(), new Linear(hidden, channel, { bias: false }), new Sigmoid()),
    );
  }

  /** The attention weights: sigmoid(fc(avg_pool(x))), one per channel. Shapes: (N, C, H, W) → (N, C). */
  excitation(x: Tensor): Tensor {
    this.checkUsable();
    const [b, c] = unpack4(x.shape);
    const first = this.fc.at(0) as Linear;
    const second = this.fc.at(2) as Linear;
    second.outputShape(first.outputShape([b, c])); // fc(avg_pool(x).view(b, c)): PyTorch's shape error, before GPU work
    return excite(x, this.avgPool, c, first, second, ['relu', 'sigmoid']);
  }

  protected parts() {
    return { pool: this.avgPool, mlp: this.fc };
  }
}

export interface SqueezeAndExciteOptions {
  /**
   * 'fixed' (default): the seed's AvgPool2d(seKernelSize, stride=1), which only works on a seKernelSize-square
   * map; 'adaptive': AdaptiveAvgPool2d(1), which works on any map (the seed's advice).
   */
  pool?: 'fixed' | 'adaptive';
  /** 'hardswish' (default, the seed's) or 'hardsigmoid' (MobileNetV3's own gate). */
  gate?: 'hardswish' | 'hardsigmoid';
}

/**
 * The MobileNetV3-style SE block of the seed: pool → Linear → ReLU6 → Linear → HardSwish → scale.
 * Keys `SEblock.0.weight/bias` (inChannels/divide, inChannels) and `SEblock.2.weight/bias` (outChannels, inChannels/divide).
 * Shapes: input (N, C, H, W) with H = W = seKernelSize (any size with pool: 'adaptive') → output (N, C, H, W).
 */
export class SqueezeAndExcite extends ExcitationBlock {
  protected readonly typeName = 'SqueezeAndExcite';
  readonly pool: AvgPool2d | AdaptiveAvgPool2d;
  readonly SEblock: Sequential;
  readonly #gate: 'hardswish' | 'hardsigmoid';

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly seKernelSize: number,
    readonly divide = 4,
    options: SqueezeAndExciteOptions = {},
  ) {
    super();
    checkCount('inChannels', inChannels);
    checkCount('outChannels', outChannels);
    checkCount('divide', divide);
    const mid = Math.floor(inChannels / divide);
    this.#gate = options.gate ?? 'hardswish';
    this.pool = this.registerModule('pool', options.pool === 'adaptive' ? new AdaptiveAvgPool2d(1) : new AvgPool2d(seKernelSize, { stride: 1 }));
    this.SEblock = this.registerModule(
      'SEblock',
      new Sequential(new Linear(inChannels, mid), new ReLU6(), new Linear(mid, outChannels), this.#gate === 'hardswish' ? new Hardswish() : new Hardsigmoid()),
    );
  }

  /** The attention weights: SEblock(pool(x)), one per channel. Shapes: (N, C, H, W) → (N, C). */
  excitation(x: Tensor): Tensor {
    this.checkUsable();
    // PyTorch: b, c, h, w = x.size(); out = self.SEblock(self.pool(x).view(b, -1)).view(b, c, 1, 1); return out * x
    const [b, c] = unpack4(x.shape);
    const pooledShape = this.pool.outputShape(x.shape);
    const features = pooledShape.slice(1).reduce((p, d) => p * d, 1);
    const first = this.SEblock.at(0) as Linear;
    const second = this.SEblock.at(2) as Linear;
    const gateShape = second.outputShape(first.outputShape([b, features]));
    if (gateShape[1] !== c) throw new TorchError(messages.invalidView([b, c, 1, 1], b * gateShape[1]!));
    return excite(x, this.pool, features, first, second, ['relu6', this.#gate]);
  }

  protected parts() {
    return { pool: this.pool, mlp: this.SEblock };
  }
}
