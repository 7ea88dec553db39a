// Conv2d's arguments and plan, shared by the GPU op and the CPU reference: torch 1.13's checks, in its order and
// words. The plan is the op's geometry with the padding resolved to four sides (padding='same' puts the odd one on the
// right/bottom, as PyTorch does) and the padding mode, which the kernels apply by mapping indices (no padded copy).
import { TorchError } from '../../core/errors.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
/** Kernel ids of the padding modes (shaders/convolution/padding.wgsl). */
export const PADDING_MODES: Record<PaddingMode, number> = { zeros: 0, reflect: 1, replicate: 2, circular: 3 };

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** An int, a pair (top/bottom, left/right), 'same' (stride 1 only) or 'valid' (0). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

export interface Conv2dArgs {
  stride: [number, number];
  padding: [number, number] | 'same';
  dilation: [number, number];
  groups: number;
  paddingMode: PaddingMode;
}

export interface Conv2dPlan {
  unbatched: boolean;
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  inH: number;
  inW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  outH: number;
  outW: number;
  mode: PaddingMode;
  outputShape: number[];
}

const pair = (value: Pair, name: string): [number, number] => {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b))
    throw new TypeError(`conv2d(): argument '${name}' must be an int or a pair of ints, but got ${String(value)}`);
  return [a!, b!];
};

/** Resolves and checks the arguments (the ValueErrors nn.Conv2d raises at construction, and F.conv2d's). */
export function resolveConv2dArgs(options: Conv2dOptions & { paddingMode?: PaddingMode }, channels?: { in: number; out: number }): Conv2dArgs {
  const groups = options.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups <= 0) throw new TorchError('groups must be a positive integer', 'ValueError');
  if (channels && channels.in % groups !== 0) throw new TorchError('in_channels must be divisible by groups', 'ValueError');
  if (channels && channels.out % groups !== 0) throw new TorchError('out_channels must be divisible by groups', 'ValueError');
  const stride = pair(options.stride ?? 1, 'stride');
  const dilation = pair(options.dilation ?? 1, 'dilation');
  let padding: [number, number] | 'same';
  const given = options.padding ?? 0;
  if (typeof given === 'string') {
    if (given !== 'same' && given !== 'valid') throw new TorchError(`Invalid padding string '${given}', should be one of {'valid', 'same'}`, 'ValueError');
    if (given === 'same' && (stride[0] !== 1 || stride[1] !== 1))
      throw new TorchError("padding='same' is not supported for strided convolutions", 'ValueError');
    padding = given === 'same' ? 'same' : [0, 0];
  } else {
    padding = pair(given, 'padding');
  }
  const paddingMode = options.paddingMode ?? 'zeros';
  if (!(paddingMode in PADDING_MODES)) {
    throw new TorchError(
      `padding_mode must be one of {'reflect', 'replicate', 'zeros', 'circular'}, but got padding_mode='${String(paddingMode)}'`,
      'ValueError',
    );
  }
  return { stride, padding, dilation, groups, paddingMode };
}

/** Checks an input against a weight [out, in/groups, kH, kW] (and bias) and returns the plan, or PyTorch's error. */
export function planConv2d(inputShape: readonly number[], weightShape: readonly number[], biasShape: readonly number[] | null, args: Conv2dArgs): Conv2dPlan {
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    throw new TorchError(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [${inputShape.join(', ')}]`);
  }
  const unbatched = inputShape.length === 3;
  const [batch, inChannels, inH, inW] = (unbatched ? [1, ...inputShape] : inputShape) as [number, number, number, number];
  const [outChannels, perGroup, kH, kW] = weightShape as [number, number, number, number];
  const { stride, dilation, groups } = args;
  if (stride[0] <= 0 || stride[1] <= 0) throw new TorchError('non-positive stride is not supported');
  if (dilation[0] <= 0 || dilation[1] <= 0) throw new TorchError(`dilation should be greater than zero, but got [${dilation.join(', ')}]`);
  const explicit = args.padding === 'same' ? null : args.padding;
  if (explicit && (explicit[0] < 0 || explicit[1] < 0)) throw new TorchError('negative padding is not supported');
  const shown = unbatched ? [1, ...inputShape] : [...inputShape];
  if (inChannels !== perGroup * groups) {
    throw new TorchError(
      `Given groups=${groups}, weight of size [${weightShape.join(', ')}], expected input[${shown.join(', ')}] to have ${perGroup * groups} channels, but got ${inChannels} channels instead`,
    );
  }
  if (biasShape && (biasShape.length !== 1 || biasShape[0] !== outChannels)) {
    throw new TorchError(
      `Given weight of size [${weightShape.join(', ')}], expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size [${biasShape.join(', ')}] instead`,
    );
  }
  // 'same': dilation·(k − 1) in total, the odd one after (right / bottom).
  const total = [dilation[0] * (kH - 1), dilation[1] * (kW - 1)];
  const [padTop, padLeft] = explicit ?? [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
  const [padBottom, padRight] = explicit ?? [total[0]! - padTop, total[1]! - padLeft];
  if (args.paddingMode === 'reflect') {
    for (const [pads, size, dim] of [
      [[padLeft, padRight], inW, 3],
      [[padTop, padBottom], inH, 2],
    ] as const) {
      if (pads[0] >= size || pads[1] >= size) {
        throw new TorchError(
          `Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (${pads[0]}, ${pads[1]}) at dimension ${dim} of input 4`,
        );
      }
    }
  }
  if (args.paddingMode === 'circular' && (padTop > inH || padBottom > inH || padLeft > inW || padRight > inW)) {
    throw new TorchError('Padding value causes wrapping around more than once.');
  }
  const paddedH = inH + padTop + padBottom;
  const paddedW = inW + padLeft + padRight;
  const effectiveH = dilation[0] * (kH - 1) + 1;
  const effectiveW = dilation[1] * (kW - 1) + 1;
  if (paddedH < effectiveH || paddedW < effectiveW) {
    throw new TorchError(
      `Calculated padded input size per channel: (${paddedH} x ${paddedW}). Kernel size: (${effectiveH} x ${effectiveW}). Kernel size can't be greater than actual input size`,
    );
  }
  const outH = Math.floor((paddedH - effectiveH) / stride[0]) + 1;
  const outW = Math.floor((paddedW - effectiveW) / stride[1]) + 1;
  return {
    unbatched,
    batch,
    inChannels,
    outChannels,
    groups,
    inH,
    inW,
    kH,
    kW,
    strideH: stride[0],
    strideW: stride[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    padTop,
    padBottom,
    padLeft,
    padRight,
    outH,
    outW,
    mode: args.paddingMode,
    outputShape: unbatched ? [outChannels, outH, outW] : [batch, outChannels, outH, outW],
  };
}

/** Where padded coordinate `p` (0 ≤ p < size + before + after) reads the input, or −1 for a zero (padding modes). */
export function sourceIndex(p: number, before: number, size: number, mode: PaddingMode): number {
  const i = p - before;
  if (i >= 0 && i < size) return i;
  if (mode === 'zeros') return -1;
  if (mode === 'replicate') return i < 0 ? 0 : size - 1;
  if (mode === 'circular') return ((i % size) + size) % size;
  return i < 0 ? -i : 2 * (size - 1) - i; // reflect (without the edge), pad < size
}
