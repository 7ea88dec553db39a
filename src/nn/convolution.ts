// nn.Conv2d: torch 1.13's module over the convolution family, with its arguments' checks at construction, its
// default initialisation (kaiming_uniform_(a=√5): U(±1/√fan_in) for the weight and the bias, from the kit's seeded
// generator) and its keys `weight` [out, in/groups, kH, kW] and `bias` [out].
import { uniformArray } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import type { TensorData } from '../core/tensorData.js';
import { conv2dPlanned } from '../ops/convolution/functional.js';
import { type Conv2dArgs, type Conv2dOptions, type Conv2dPlan, type Pair, type PaddingMode, planConv2d, resolveConv2dArgs } from '../ops/convolution/plan.js';
import { conv2d as conv2dReference } from '../ops/convolution/reference.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface Conv2dModuleOptions extends Conv2dOptions {
  /** A learnable bias (default true). */
  bias?: boolean;
  /** How the input is padded: 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: PaddingMode;
}

/**
 * Applies a 2-D convolution, with PyTorch's options (stride, padding int | pair | 'same' | 'valid', dilation, groups
 * (depthwise: groups = in channels), bias, paddingMode). Shapes: input (N, C_in, H, W) or (C_in, H, W) →
 * output (N, C_out, H_out, W_out), H_out = ⌊(H + padding − dilation·(kH − 1) − 1) / stride⌋ + 1.
 */
export class Conv2d extends Module {
  protected readonly typeName = 'Conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly args: Readonly<Conv2dArgs>;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  #plan: { key: string; plan: Conv2dPlan } | null = null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dModuleOptions = {}) {
    super();
    for (const [name, value] of [
      ['in_channels', inChannels],
      ['out_channels', outChannels],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`Conv2d(): argument '${name}' must be a non-negative int, but got ${String(value)}`);
    }
    this.args = Object.freeze(resolveConv2dArgs(options, { in: inChannels, out: outChannels }));
    const [kH, kW] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    if (!Number.isSafeInteger(kH) || !Number.isSafeInteger(kW) || kH! < 0 || kW! < 0) {
      throw new TypeError(`Conv2d(): argument 'kernel_size' must be an int or a pair of non-negative ints, but got ${String(kernelSize)}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = [kH!, kW!];
    const perGroup = inChannels / this.args.groups;
    const fanIn = perGroup * kH! * kW!;
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    const shape = [outChannels, perGroup, kH!, kW!];
    this.weight = this.registerParameter('weight', new Parameter(shape, uniformArray(outChannels * fanIn, bound)));
    this.bias = options.bias === false ? null : this.registerParameter('bias', new Parameter([outChannels], uniformArray(outChannels, bound)));
  }

  /** The plan for an input shape (kept for the last shape: a repeated forward checks nothing again). */
  #planFor(shape: readonly number[]): Conv2dPlan {
    const key = shape.join(',');
    if (this.#plan?.key !== key) this.#plan = { key, plan: planConv2d(shape, this.weight.shape, this.bias?.shape ?? null, this.args) };
    return this.#plan.plan;
  }

  /** The output shape for an input shape, or PyTorch's error; no GPU work. */
  outputShape(inputShape: readonly number[]): number[] {
    return [...this.#planFor(inputShape).outputShape];
  }

  protected run(x: Tensor): Tensor {
    const plan = this.#planFor(x.shape);
    const device = x.device;
    return conv2dPlanned(x, this.weight.on(device, this.typeName), this.bias?.on(device, this.typeName) ?? null, plan);
  }

  protected runCpu({ data, shape }: TensorData): TensorData {
    const plan = this.#planFor(shape);
    return { data: conv2dReference(data, this.weight.data, this.bias?.data ?? null, plan), shape: [...plan.outputShape] };
  }
}
