// The pooling family's window kernels, for every rank (shaders/pooling/): windows (max, average, LP) and adaptive
// windows (average, max); the global reduction is in globalKernel.ts, max unpooling's in unpoolKernel.ts. Each
// launcher takes the kind's plan; large tensors run in pieces of planes.
import adaptiveWindows from '../../../shaders/pooling/adaptive_windows.wgsl?raw';
import adaptiveSource from '../../../shaders/pooling/pool_adaptive.wgsl?raw';
import windowSource from '../../../shaders/pooling/pool_window.wgsl?raw';
import torchPow from '../../../shaders/pooling/torch_pow.wgsl?raw';
import { type BindingSpec, defineKernel, type KernelSpec, type ParamFields, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { fitsOneBinding, launchInChunks, type PlaneChunk } from '../../runtime/planeChunks.js';
import { defineStrategies, strategyWithinLoopLimit } from '../../runtime/strategies.js';
import { product } from './args.js';
import type { AdaptivePlan } from './adaptivePlan.js';
import type { WindowPlan } from './windowPlan.js';

export const WORKGROUP_SIZE = 64;

/** Neighbouring outputs of a row per invocation: 1 suits GPUs; more amortise a software adapter's per-invocation cost. */
const RUNS = { output: { OUTPUTS_PER_INVOCATION: 1 }, run4: { OUTPUTS_PER_INVOCATION: 4 } } as const;
export const WINDOW_STRATEGIES = defineStrategies('pool_window', RUNS);
export const ADAPTIVE_STRATEGIES = defineStrategies('pool_adaptive', RUNS);

/** The pooling kernels' float16 variants read the input as halves; they write f32 (converted once, after) or halves. */
export const INPUT_HALVES = { reads: ['input'] };

/**
 * What an invocation of the window and adaptive kernels pools: one channel (f32 values, i32 indices), or four
 * neighbouring channels of a channels-last tensor (vec4f, vec4i), its bindings then holding vec4s.
 */
const LANES = {
  scalar: 'alias Value = f32;\nalias Index = i32;\nfn isNanValue(v: f32) -> bool { return isNan(v); }',
  vec4: [
    'alias Value = vec4f;',
    'alias Index = vec4i;',
    'fn isNanValue(v: vec4f) -> vec4<bool> { return (bitcast<vec4u>(v) & vec4u(0x7fffffffu)) > vec4u(0x7f800000u); }',
  ].join('\n'),
} as const;

/**
 * `storeValue(at, value)` of the kernels that write halves (shaders/runtime/half.wgsl's rounding), and their output's
 * element. Four channels: a vec4 is two whole words. One channel: an output at an even index waits in a private
 * register for its odd neighbour, and the two are stored as one word; the launcher runs these only where every
 * invocation's outputs are an even count of neighbours from an even index (poolWritesHalves).
 */
const HALF_STORES = {
  scalar: {
    element: 'u32',
    store: [
      'var<private> pendingHalf: u32;',
      'fn storeValue(at: u32, value: f32) {',
      '  let bits = halfBits(bitcast<u32>(value));',
      '  if ((at & 1u) == 0u) { pendingHalf = bits; } else { output[at >> 1u] = pendingHalf | (bits << 16u); }',
      '}',
    ].join('\n'),
  },
  vec4: { element: 'vec2<u32>', store: 'fn storeValue(at: u32, value: vec4f) { output[at] = packHalf4(value); }' },
} as const;

/**
 * A pooling kernel that may also write indices (max pooling's argmax): kernels from one WGSL body, with an int32
 * `indices` output after `output` and without. The body calls `storeIndex(at, index)`, which the first defines as a
 * write and the second as nothing, so the values-only kernel binds and writes no indices buffer, and writes its
 * values with `storeValue(at, value)`. Each comes for one channel an invocation and for four (`vec4`), and for
 * float32 and float16 input (packed halves, computing in f32): `f16` writes f32 as the float32 kernel does (converted
 * after), `f16Halves` writes the halves itself (its indices as the others do). `libraries` may define functions of `Value` for both
 * lane widths.
 */
function defineIndexedPool<const F extends ParamFields>(
  name: string,
  source: string,
  params: F,
  libraries: (lanes: keyof typeof LANES) => readonly string[] = () => [],
) {
  const spec = (
    lanes: keyof typeof LANES,
    withIndices: boolean,
    storeValue = 'fn storeValue(at: u32, value: Value) { output[at] = value; }',
  ): KernelSpec<F> => {
    const vector = lanes === 'vec4';
    const bindings: BindingSpec[] = [
      { name: 'input', access: 'read', element: vector ? 'vec4<f32>' : 'f32' },
      { name: 'output', access: 'read_write', element: vector ? 'vec4<f32>' : 'f32' },
    ];
    if (withIndices) bindings.push({ name: 'indices', access: 'read_write', element: vector ? 'vec4<i32>' : 'i32' });
    const storeIndex = withIndices ? 'fn storeIndex(at: u32, index: Index) { indices[at] = index; }' : 'fn storeIndex(at: u32, index: Index) {}';
    return {
      name: `${name}${vector ? '_vec4' : ''}${withIndices ? '_indices' : ''}`,
      source,
      bindings,
      params,
      chunked: true,
      libraries: [LANES[lanes], ...libraries(lanes), storeIndex, storeValue],
    };
  };
  const variant = (lanes: keyof typeof LANES, withIndices: boolean) => ({
    f32: defineKernel(spec(lanes, withIndices)),
    f16: defineKernel(withHalves(spec(lanes, withIndices), INPUT_HALVES)),
  });
  const halvesWritten = (lanes: keyof typeof LANES) => {
    const { element, store } = HALF_STORES[lanes];
    const kernel = (withIndices: boolean) => {
      const f16 = withHalves(spec(lanes, withIndices, store), INPUT_HALVES);
      const bindings = f16.bindings.map((b) => (b.name === 'output' ? { ...b, element } : b));
      return defineKernel({ ...f16, name: `${f16.name}_halves`, bindings });
    };
    return { plain: kernel(false), withIndices: kernel(true) };
  };
  const [scalar, scalarIndexed, vec4, vec4Indexed] = [variant('scalar', false), variant('scalar', true), variant('vec4', false), variant('vec4', true)];
  const byLanes = (dtype: 'f32' | 'f16') => ({
    scalar: { plain: scalar[dtype], withIndices: scalarIndexed[dtype] },
    vec4: { plain: vec4[dtype], withIndices: vec4Indexed[dtype] },
  });
  return { f32: byLanes('f32'), f16: byLanes('f16'), f16Halves: { scalar: halvesWritten('scalar'), vec4: halvesWritten('vec4') } };
}

/** The kernels for an input's dtype, and the bytes of one of its elements (halves are packed two to a word). */
export const byDtype = <K>(kernels: { f32: K; f16: K }, half: boolean) => ({ kernels: half ? kernels.f16 : kernels.f32, inputElementBytes: half ? 2 : 4 });

/** How a window or adaptive pool's tensors are stored. */
export interface PoolStorage {
  /** float16 input (packed halves); the output is float16 too, written by the kernel (`writesHalves`) or converted after. */
  half?: boolean;
  /** The kernel writes the float16 output's halves itself (where poolWritesHalves says it can). */
  writesHalves?: boolean;
  /** A channels-last input (and output), of this many channels. */
  channelsLast?: { channels: number } | null;
}

/** The kernel of a window or adaptive pool's piece, and its element bytes. */
function poolKernel<F extends ParamFields>(
  kernels: ReturnType<typeof defineIndexedPool<F>>,
  storage: PoolStorage,
  lanes: keyof typeof LANES,
  indices: boolean,
) {
  if (storage.writesHalves && storage.channelsLast && lanes !== 'vec4') throw new Error('webgpu-layers: this pool cannot write its halves itself');
  const byLanes = storage.writesHalves ? kernels.f16Halves[lanes] : storage.half ? kernels.f16[lanes] : kernels.f32[lanes];
  return indices ? byLanes.withIndices : byLanes.plain;
}

/**
 * Whether a float16 window or adaptive pool can write its halves itself, whole words an invocation (indices, where
 * asked, are int32 as ever, and then only in one piece): four channels an invocation (channels last, channels % 4 == 0), or runs of an even number of outputs along rows of
 * even width (so every run starts on a word).
 */
function writesHalves(
  device: GPUDevice,
  plan: WindowPlan | AdaptivePlan,
  channelsLast: { channels: number } | null | undefined,
  outputsPerInvocation: number,
): boolean {
  // Indices (4 bytes) start in a piece's windows where the output's halves do only when there is one piece.
  if (plan.returnIndices && !fitsOneBinding(device, plan.planes, product(plan.input) * 2, product(plan.output) * 4)) return false;
  if (channelsLast) return channelsLast.channels % 4 === 0;
  return outputsPerInvocation % 2 === 0 && plan.output[2] % 2 === 0;
}

/**
 * The bytes of a window or adaptive kernel's elements: input halves for float16; output halves where the kernel
 * writes them (the others write f32, converted after).
 */
const elementBytes = (storage: PoolStorage) => ({ inputElementBytes: storage.half ? 2 : 4, outputElementBytes: storage.writesHalves ? 2 : 4 });

/**
 * The lanes of a window or adaptive kernel's piece: four neighbouring channels an invocation where a channels-last
 * tensor's vec4s line up (channels % 4 == 0, and the piece's windows start on a vec4), else one. `channels`,
 * `inputBase` and `outputBase` are then counted in vec4s.
 */
function lanesOf(chunk: PlaneChunk, channelsLast: { channels: number } | null) {
  const channels = channelsLast?.channels ?? 1;
  const width = channelsLast && channels % 4 === 0 && chunk.inputBase % 4 === 0 && chunk.outputBase % 4 === 0 ? 4 : 1;
  return {
    lanes: width === 4 ? ('vec4' as const) : ('scalar' as const),
    items: (chunk.planes * channels) / width,
    offsets: { channels: channels / width, inputBase: chunk.inputBase / width, outputBase: chunk.outputBase / width },
  };
}

const MODES = { avg: 0, max: 1, lp: 2 } as const;
const windowKernels = defineIndexedPool(
  'pool_window',
  windowSource,
  {
    total: 'u32', // work items of the piece: planes · outD · outH · ⌈outW / OUTPUTS_PER_INVOCATION⌉
    inD: 'i32',
    inH: 'i32',
    inW: 'i32',
    outD: 'i32',
    outH: 'i32',
    outW: 'i32',
    kernelD: 'i32',
    kernelH: 'i32',
    kernelW: 'i32',
    strideD: 'i32',
    strideH: 'i32',
    strideW: 'i32',
    padD: 'i32',
    padH: 'i32',
    padW: 'i32',
    dilationD: 'i32',
    dilationH: 'i32',
    dilationW: 'i32',
    countIncludePad: 'u32',
    divisorOverride: 'f32', // PyTorch's int64 divisor, as a float: 0 means none
    normType: 'f32',
    inverseNorm: 'f32',
    kernelArea: 'f32',
    channels: 'u32', // CHANNELS_LAST: the channels of a position (1 otherwise), in vec4s for the vec4 kernels
  },
  // LP pooling's power, lane by lane.
  (lanes) => [
    torchPow,
    lanes === 'vec4'
      ? 'fn powValue(v: vec4f, p: f32) -> vec4f { return vec4f(torchPow(v.x, p), torchPow(v.y, p), torchPow(v.z, p), torchPow(v.w, p)); }'
      : 'fn powValue(v: f32, p: f32) -> f32 { return torchPow(v, p); }',
  ],
);

/** The window kernel's strategy constants for a plan: the device's choice, or one whose loops fit. */
function windowStrategy(device: GPUDevice, plan: WindowPlan) {
  // The window loops run once per window element and output of the invocation's run.
  const windowVolume = plan.kernel.reduce((volume, k, i) => volume * Math.min(k, plan.input[i]!), 1);
  return strategyWithinLoopLimit(
    device,
    'pool_window',
    (c) => windowVolume * Math.min(plan.output[2], c.OUTPUTS_PER_INVOCATION!),
    `windows of ${plan.kernel.join('×')}`,
  ).constants;
}

/** Whether a float16 window pool writes its halves itself on this device (else it writes f32, converted after). */
export function windowPoolWritesHalves(device: GPUDevice, plan: WindowPlan, channelsLast: { channels: number } | null): boolean {
  return writesHalves(device, plan, channelsLast, windowStrategy(device, plan).OUTPUTS_PER_INVOCATION!);
}

/**
 * Records max, average or LP pooling over fixed windows: one invocation per output or run of outputs, in pieces of
 * planes when the tensors are large. `indices`: where max pooling writes its argmax (int32, laid out as the output).
 */
export function launchWindowPool(
  device: GPUDevice,
  plan: WindowPlan,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  indices: GPUBufferBinding | null,
  storage: PoolStorage = {},
): Promise<void> {
  const channelsLast = storage.channelsLast ?? null;
  // Channels last: pieces of whole samples (a sample's planes are interleaved), an item per channel.
  const group = channelsLast?.channels ?? 1;
  const constants = windowStrategy(device, plan);
  const [inD, inH, inW] = plan.input;
  const [outD, outH, outW] = plan.output;
  // A 2-D window (kernel depth 1 over a unit depth) with dilation 1 runs simpler loops and index arithmetic.
  const planar = inD === 1 && plan.kernel[0] === 1 && plan.padding[0] === 0 && plan.dilation.every((d) => d === 1);
  // A stride past in + 2·pad leaves one window, whose start it does not affect: clamp it into i32.
  const stride = plan.stride.map((s, i) => Math.min(s, plan.input[i]! + 2 * plan.padding[i]! + 1));
  return launchInChunks(
    device,
    plan.planes / group,
    product(plan.input) * group,
    product(plan.output) * group,
    input,
    output,
    (chunk) => {
      const { lanes, items, offsets } = lanesOf(chunk, channelsLast);
      const total = items * outD * outH * Math.ceil(outW / constants.OUTPUTS_PER_INVOCATION!);
      return launch(device, poolKernel(windowKernels, storage, lanes, indices !== null), {
        constants: { WORKGROUP_SIZE, MODE: MODES[plan.mode], PLANAR_UNDILATED: planar ? 1 : 0, ...constants, CHANNELS_LAST: channelsLast ? 1 : 0 },
        bindings: [chunk.input, chunk.output, ...chunk.extraOutputs],
        params: {
          total,
          inD,
          inH,
          inW,
          outD,
          outH,
          outW,
          kernelD: plan.kernel[0],
          kernelH: plan.kernel[1],
          kernelW: plan.kernel[2],
          strideD: stride[0]!,
          strideH: stride[1]!,
          strideW: stride[2]!,
          padD: plan.padding[0],
          padH: plan.padding[1],
          padW: plan.padding[2],
          dilationD: plan.dilation[0],
          dilationH: plan.dilation[1],
          dilationW: plan.dilation[2],
          countIncludePad: plan.countIncludePad ? 1 : 0,
          divisorOverride: plan.divisorOverride ?? 0,
          normType: plan.normType,
          inverseNorm: 1 / plan.normType,
          kernelArea: plan.kernelArea,
          ...offsets,
        },
        workgroups: Math.ceil(total / WORKGROUP_SIZE),
      });
    },
    { extraOutputs: indices ? [indices] : [], ...elementBytes(storage) },
  );
}

const adaptiveKernels = defineIndexedPool(
  'pool_adaptive',
  adaptiveSource,
  { total: 'u32', inD: 'u32', inH: 'u32', inW: 'u32', outD: 'u32', outH: 'u32', outW: 'u32', channels: 'u32' },
  () => [adaptiveWindows],
);

/** The adaptive kernel's window arithmetic stays inside u32 while in·out < 2³² in each dimension. */
export function adaptiveWindowsFitU32(plan: AdaptivePlan): boolean {
  return plan.input.every((size, i) => size * plan.output[i]! < 2 ** 32);
}

/** The adaptive kernel's strategy constants for a plan: the device's choice, or one whose loops fit. */
function adaptiveStrategy(device: GPUDevice, plan: AdaptivePlan) {
  // The window loops run once per window element and output of the run; the largest window is ceil(in / out) + 1
  // long in each dim.
  const window = plan.input.map((size, i) => Math.min(size, Math.ceil(size / Math.max(plan.output[i]!, 1)) + 1));
  const windowVolume = product(window);
  return strategyWithinLoopLimit(
    device,
    'pool_adaptive',
    (c) => windowVolume * Math.min(plan.output[2], c.OUTPUTS_PER_INVOCATION!),
    `windows of up to ${window.join('×')}`,
  ).constants;
}

/** Whether a float16 adaptive pool writes its halves itself on this device (else it writes f32, converted after). */
export function adaptivePoolWritesHalves(device: GPUDevice, plan: AdaptivePlan, channelsLast: { channels: number } | null): boolean {
  return writesHalves(device, plan, channelsLast, adaptiveStrategy(device, plan).OUTPUTS_PER_INVOCATION!);
}

/**
 * Records adaptive average or max pooling: one invocation per output or run of outputs of a row (callers check
 * adaptiveWindowsFitU32 first).
 */
export function launchAdaptivePool(
  device: GPUDevice,
  plan: AdaptivePlan,
  input: GPUBufferBinding,
  output: GPUBufferBinding,
  indices: GPUBufferBinding | null,
  storage: PoolStorage = {},
): Promise<void> {
  const channelsLast = storage.channelsLast ?? null;
  const group = channelsLast?.channels ?? 1; // channels last: pieces of whole samples, an item per channel
  const constants = adaptiveStrategy(device, plan);
  const [inD, inH, inW] = plan.input;
  const [outD, outH, outW] = plan.output;
  const planar = inD === 1 && outD === 1;
  return launchInChunks(
    device,
    plan.planes / group,
    product(plan.input) * group,
    product(plan.output) * group,
    input,
    output,
    (chunk) => {
      const { lanes, items, offsets } = lanesOf(chunk, channelsLast);
      const total = items * outD * outH * Math.ceil(outW / constants.OUTPUTS_PER_INVOCATION!);
      return launch(device, poolKernel(adaptiveKernels, storage, lanes, indices !== null), {
        constants: { WORKGROUP_SIZE, MODE: plan.mode === 'max' ? 1 : 0, PLANAR: planar ? 1 : 0, ...constants, CHANNELS_LAST: channelsLast ? 1 : 0 },
        bindings: [chunk.input, chunk.output, ...chunk.extraOutputs],
        params: { total, inD, inH, inW, outD, outH, outW, ...offsets },
        workgroups: Math.ceil(total / WORKGROUP_SIZE),
      });
    },
    { extraOutputs: indices ? [indices] : [], ...elementBytes(storage) },
  );
}
