// The ResNet classification head: avgpool → flatten → fc, and the seed's lesson about a fixed pool.
import { globalPoolLinear } from '../ops/linear/functional.js';
import type { TensorData } from '../core/tensorData.js';
import type { Tensor } from '../core/tensor.js';
import { flattenShape } from './container.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { AdaptiveAvgPool2d } from './adaptivePooling.js';
import { AvgPool2d } from './pooling.js';

export interface ResNetHeadOptions {
  /**
   * 'adaptive' (default): AdaptiveAvgPool2d((1, 1)), torchvision's head, which works for any image size.
   * 'fixed': the original AvgPool2d(7, stride=1), which only fits 7×7 maps (224×224 images): a 448×448 image
   * gives 14×14 → 8×8 and the fc fails with PyTorch's shape error.
   */
  pool?: 'adaptive' | 'fixed';
}

/**
 * avgpool → flatten(1) → fc. Keys `fc.weight` (numClasses, inFeatures) and `fc.bias`.
 * Shapes: input (N, inFeatures, H, W) → output (N, numClasses).
 */
export class ResNetHead extends Module {
  protected readonly typeName = 'ResNetHead';
  readonly avgpool: AdaptiveAvgPool2d | AvgPool2d;
  readonly fc: Linear;

  constructor(inFeatures: number, numClasses: number, options: ResNetHeadOptions = {}) {
    super();
    const pool = options.pool ?? 'adaptive';
    if (pool !== 'adaptive' && pool !== 'fixed') throw new TypeError(`ResNetHead: pool must be 'adaptive' or 'fixed', but got ${String(pool)}`);
    this.avgpool = this.registerModule('avgpool', pool === 'adaptive' ? new AdaptiveAvgPool2d([1, 1]) : new AvgPool2d(7, { stride: 1 }));
    this.fc = this.registerModule('fc', new Linear(inFeatures, numClasses));
  }

  /** The output shape for an input shape, (N, numClasses), or PyTorch's error (the fixed pool's on 14×14 maps); no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return this.fc.outputShape(flattenShape(this.avgpool.outputShape(inputShape), 1));
  }

  protected run(x: Tensor): Tensor {
    const flatShape = flattenShape(this.avgpool.outputShape(x.shape), 1);
    this.fc.outputShape(flatShape); // the fixed head's failure on 14×14 maps surfaces here, before GPU work
    // A global pool: one dispatch, where the device's strategy and the shapes allow it.
    const divisor = x.shape.length === 4 ? this.avgpool.globalDivisor(x.shape) : null;
    const fused = divisor !== null ? globalPoolLinear(x, divisor, this.fc.dense(x.device, 'identity')) : null;
    if (fused) return fused;
    const pooled = this.avgpool.forward(x);
    const flat = pooled.reshape(flatShape);
    pooled.dispose();
    const logits = this.fc.forward(flat);
    flat.dispose();
    return logits;
  }

  protected runCpu(x: TensorData): TensorData {
    const pooled = this.avgpool.forwardCpu(x);
    return this.fc.forwardCpu({ data: pooled.data, shape: flattenShape(pooled.shape, 1) });
  }
}
