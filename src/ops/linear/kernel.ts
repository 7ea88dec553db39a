import source from '../../../shaders/linear/linear.wgsl?raw';
import { contextOf } from '../../runtime/context.js';
import { defineKernel, type KernelSpec, type ParamFields, withHalves, workgroupArraySize } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { launchInChunks } from '../../runtime/planeChunks.js';
import { loopFits } from '../../runtime/loopLimit.js';
import { defineStrategies, strategyConstants, strategyWithinLoopLimit } from '../../runtime/strategies.js';
import { ACTIVATIONS, ACTIVATION_FUNCTIONS, type ActivationName } from '../activation/kernel.js';

const WORKGROUP_SIZE = 64;
// FOUR_FEATURES applies only where the weight layout allows it (transposed, outFeatures % 4 == 0).
export const LINEAR_STRATEGIES = defineStrategies('linear', {
  row: { ROWS_PER_INVOCATION: 1, FOUR_FEATURES: 0 },
  quad: { ROWS_PER_INVOCATION: 1, FOUR_FEATURES: 1 },
  rows8: { ROWS_PER_INVOCATION: 8, FOUR_FEATURES: 1 },
});
// A Linear after a global pool (a ResNet head): one dispatch whose workgroups pool their row, or the pool first.
export const GLOBAL_POOL_LINEAR_STRATEGIES = defineStrategies('global_pool_linear', { fused: { POOL_INPUT: 1 }, split: { POOL_INPUT: 0 } });

/** Input features a workgroup can pool into workgroup memory (16 KiB, WebGPU's guaranteed minimum). */
export const MAX_POOLED_FEATURES = 4096;

/** Elements of the maps one workgroup may pool (a ResNet-50 head at batch 1: 2048 · 7 · 7 = 100,352). */
export const MAX_POOLED_ELEMENTS = 131_072;
const spec = {
  name: 'linear',
  source,
  bindings: [
    { name: 'x', access: 'read', element: 'vec4<f32>' },
    { name: 'weight', access: 'read', element: 'vec4<f32>' },
    { name: 'bias', access: 'read' },
    { name: 'y', access: 'read_write' },
  ],
  // inputBase is a multiple of 4 when inFeatures is (binding offsets are 256-byte aligned).
  params: {
    rows: 'u32',
    inFeatures: 'u32',
    outFeatures: 'u32',
    planeSize: 'u32', // POOL_INPUT: elements of each map of x
    divisor: 'f32', // POOL_INPUT: what each map's sum is divided by
  },
  chunked: true,
  libraries: [ACTIVATION_FUNCTIONS],
} as const satisfies KernelSpec<ParamFields>;
// float16: x, the weight and the bias read as halves; y written f32 (an output per invocation), converted after.
const kernels = { f32: defineKernel(spec), f16: defineKernel(withHalves(spec, { reads: ['x', 'weight', 'bias'] })) };

/** A dense layer on the device: its weight, its optional bias and the activation fused after it. */
export interface DenseLayer<T> {
  weight: T;
  bias: T | null;
  activation: ActivationName;
}

export interface LinearLaunch extends DenseLayer<GPUBufferBinding> {
  rows: number;
  inFeatures: number;
  outFeatures: number;
  x: GPUBufferBinding;
  /** The weight is stored [inFeatures, outFeatures] (nn.Linear's device layout) rather than PyTorch's. */
  weightTransposed: boolean;
  /**
   * x is [rows, inFeatures, planeSize] maps to pool first (a global pool's sum of each map ÷ divisor), in the
   * same dispatch, where `pooledBlockRows` allows it.
   */
  pool?: { planeSize: number; divisor: number } | null;
  /** x, the weight and the bias hold float16 values (the `_f16` kernel; y is written f32). */
  half?: boolean;
}

/**
 * The rows one workgroup serves when the Linear kernel pools its input first (a ResNet head in one dispatch):
 * all of them, in one block (one row, or the device's strategy's block of rows), where they fit in workgroup
 * memory and their maps are small (at most MAX_POOLED_ELEMENTS, as the SE excitation's fused pool: a workgroup
 * pools them alone) and the loops fit under the device's loop cap. Null otherwise: the caller pools first.
 */
export function pooledBlockRows(device: GPUDevice, rows: number, inFeatures: number, planeSize: number): number | null {
  const blockRows = rows === 1 ? 1 : strategyConstants(device, 'linear').ROWS_PER_INVOCATION!;
  if (rows > blockRows || blockRows * inFeatures > MAX_POOLED_FEATURES || rows * inFeatures * planeSize > MAX_POOLED_ELEMENTS) return null;
  return loopFits(device, Math.ceil((rows * inFeatures) / WORKGROUP_SIZE) * planeSize) && loopFits(device, featureSteps(inFeatures) * blockRows)
    ? blockRows
    : null;
}

/** The dot product loop's iterations per row: once per input feature, or per 4 when they come as vec4s. */
const featureSteps = (inFeatures: number) => (inFeatures % 4 === 0 ? inFeatures / 4 : inFeatures);

/**
 * Records y = activation(x · Wᵀ + b): one invocation per output feature (or four) and block of rows; an x or
 * y larger than one binding runs in pieces of rows.
 */
export function launchLinear(device: GPUDevice, work: LinearLaunch, y: GPUBufferBinding): Promise<void> {
  const steps = featureSteps(work.inFeatures);
  const pool = work.pool ?? null;
  let strategy: Record<string, number>;
  if (pool) {
    const blockRows = pooledBlockRows(device, work.rows, work.inFeatures, pool.planeSize);
    if (blockRows === null) throw new Error('webgpu-layers: linear was asked to pool rows its pooling workgroups cannot hold');
    strategy = { ...strategyConstants(device, 'linear'), ROWS_PER_INVOCATION: blockRows };
  } else {
    strategy = strategyWithinLoopLimit(device, 'linear', (c) => steps * c.ROWS_PER_INVOCATION!, `${work.inFeatures} input features`).constants;
  }
  // Four features per invocation where the strategy asks for it and the weight rows are whole vec4s.
  const features = strategy.FOUR_FEATURES && work.weightTransposed && work.outFeatures % 4 === 0 ? 4 : 1;
  const bias = work.bias ?? { buffer: contextOf(device).placeholder() };
  const planeSize = pool?.planeSize ?? 1;
  return launchInChunks(
    device,
    work.rows,
    work.inFeatures * planeSize,
    work.outFeatures,
    work.x,
    y,
    (chunk) =>
      launch(device, work.half ? kernels.f16 : kernels.f32, {
        constants: {
          WORKGROUP_SIZE,
          ACTIVATION: ACTIVATIONS[work.activation],
          HAS_BIAS: work.bias ? 1 : 0,
          WEIGHT_TRANSPOSED: work.weightTransposed ? 1 : 0,
          ...strategy,
          FOUR_FEATURES: features === 4 ? 1 : 0,
          POOL_INPUT: pool ? 1 : 0,
          MAX_POOLED: pool ? workgroupArraySize(strategy.ROWS_PER_INVOCATION! * work.inFeatures) : 1,
        },
        bindings: [chunk.input, work.weight, bias, chunk.output],
        params: {
          rows: chunk.planes,
          inFeatures: work.inFeatures,
          outFeatures: work.outFeatures,
          planeSize,
          divisor: pool?.divisor ?? 1,
          inputBase: chunk.inputBase,
          outputBase: chunk.outputBase,
        },
        workgroups: [Math.ceil(work.outFeatures / features / WORKGROUP_SIZE), Math.ceil(chunk.planes / strategy.ROWS_PER_INVOCATION!)],
      }),
    { planeName: 'row of x or y', inputElementBytes: work.half ? 2 : 4 },
  );
}
