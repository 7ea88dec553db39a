// The seed's two squeeze-and-excitation blocks. Both run their own children (the pool and the Sequential MLP)
// on the GPU as pool → fused excitation MLP → channel scale in one command encoder, or, with a small global
// pool and the device's "fused" strategy, as two dispatches (the excitation pools its input itself). The only
// full-size tensor written is the output.
import { TorchError, messages } from '../core/errors.js';
import { channelScale, excitationGate } from '../ops/squeezeExcitation/functional.js';
import * as reference from '../ops/reference.js';
import type { TensorData } from '../core/tensorData.js';
import type { Tensor } from '../core/tensor.js';
import { Hardsigmoid, Hardswish, ReLU, ReLU6, Sigmoid } from './activation.js';
import { Sequential } from './container.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { AdaptiveAvgPool2d } from './adaptivePooling.js';
import { AvgPool2d } from './pooling.js';

/** PyTorch's `b, c, h, w = x.size()`: a 4-D input or Python's unpacking error. */
function unpack4(shape: readonly number[]): [number, number, number, number] {
  if (shape.length < 4) throw new TorchError(messages.notEnoughValuesToUnpack(4, shape.length), 'ValueError');
  if (shape.length > 4) throw new TorchError(messages.tooManyValuesToUnpack(4), 'ValueError');
  return shape as unknown as [number, number, number, number];
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, but got ${String(value)}`);
}

/**
 * What both SE blocks share: y = x · excitation(x), the gate released once the scale that reads it is
 * recorded; on the CPU, the same composition on the reference ops.
 */
export abstract class ExcitationBlock extends Module {
  /** The pool and the MLP after it, as PyTorch names them for this block. */
  protected abstract parts(): { pool: AvgPool2d | AdaptiveAvgPool2d; mlp: Sequential };

  /** How the block flattens the pooled map: PyTorch's `.view(b, c)` (SELayer) or `.view(b, -1)` (SqueezeAndExcite). */
  protected abstract readonly pooledView: 'channels' | 'flatten';

  /** PyTorch's shape errors for an input shape (pool, view, MLP, the gate's view as (b, c, 1, 1)); no GPU work. */
  #checkShapes(shape: readonly number[]): { b: number; c: number; features: number } {
    const { pool, mlp } = this.parts();
    const [b, c] = unpack4(shape);
    const pooledShape = pool.outputShape(shape);
    const features = pooledShape.slice(1).reduce((p, d) => p * d, 1);
    if (this.pooledView === 'channels' && features !== c) throw new TorchError(messages.invalidView([b, c], b * features));
    const gateShape = mlp.outputShape([b, features]);
    if (gateShape.length !== 2 || gateShape[1] !== c)
      throw new TorchError(
        messages.invalidView(
          [b, c, 1, 1],
          gateShape.reduce((p, d) => p * d, 1),
        ),
      );
    return { b, c, features };
  }

  /** The output shape for an input shape (the input's: x scaled per channel), or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    this.#checkShapes(inputShape);
    return [...inputShape];
  }

  /**
   * The attention weights, one per channel: the MLP of the pooled, flattened input. Every shape is checked
   * first, with PyTorch's errors, before any GPU work. Shapes: (N, C, H, W) → (N, C).
   */
  excitation(x: Tensor): Tensor {
    this.checkUsable();
    const { pool, mlp } = this.parts();
    const { b, features } = this.#checkShapes(x.shape);
    // Recorded for backward, or an MLP that is not Linear (+ activation) pairs: module by module.
    const layers = this.recordsGraph(x) ? null : mlp.denseLayers(x.device);
    if (layers && layers.length > 0) return excitationGate(x, pool, features, layers);
    const pooled = pool.forward(x);
    const flat = pooled.reshape([b, features]);
    pooled.dispose();
    const gate = mlp.forward(flat);
    flat.dispose();
    return gate;
  }

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
  protected readonly pooledView = 'channels';
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
  protected readonly pooledView = 'flatten';
  readonly pool: AvgPool2d | AdaptiveAvgPool2d;
  readonly SEblock: Sequential;

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
    const gate = options.gate ?? 'hardswish';
    this.pool = this.registerModule('pool', options.pool === 'adaptive' ? new AdaptiveAvgPool2d(1) : new AvgPool2d(seKernelSize, { stride: 1 }));
    this.SEblock = this.registerModule(
      'SEblock',
      new Sequential(new Linear(inChannels, mid), new ReLU6(), new Linear(mid, outChannels), gate === 'hardswish' ? new Hardswish() : new Hardsigmoid()),
    );
  }

  protected parts() {
    return { pool: this.pool, mlp: this.SEblock };
  }
}
