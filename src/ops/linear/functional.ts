// PyTorch's F.linear on the GPU, in PyTorch's weight layout or nn.Linear's device layout ([in, out]), and the
// ResNet head's global pool fused into it.
import { needsGrad, record } from '../../autograd/graph.js';
import { sameAsContiguous } from '../../core/memoryFormat.js';
import type { Tensor } from '../../core/tensor.js';
import { defineTuning, kernelStrategy } from '../../runtime/strategies.js';
import { activation as activationOp } from '../activation/functional.js';
import type { ActivationName } from '../activation/kernel.js';
import { adaptiveAvgPool2d } from '../pooling/functional.js';
import { checkInputs, produce, withPadded } from '../produce.js';
import { onTensors } from '../tuning.js';
import { linearBackward } from './backward.js';
import { launchLinear, pooledBlockRows, type DenseLayer, type LinearLaunch } from './kernel.js';
import { linearMessages } from './messages.js';
import { planLinear } from './plan.js';

/**
 * PyTorch's `F.linear` with an optional fused activation: activation(x · weightᵀ + bias).
 * Shapes: x (*, in), weight (out, in), bias (out) → (*, out).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, activation: ActivationName = 'identity'): Tensor {
  return linearInLayout(x, { weight, bias, activation }, false);
}

/** PyTorch's [out, in] weight shape of a dense layer stored [in, out] on the device (transposed) or not. */
export const pytorchWeightShape = (weight: Tensor, transposed: boolean) => (transposed ? [weight.shape[1]!, weight.shape[0]!] : weight.shape);

/**
 * Linear with the weight in PyTorch's layout, or transposed ([in, out]) as nn.Linear keeps it on the device; with
 * `pool`, x is (N, in, H, W) maps the kernel pools first (globalPoolLinear).
 */
function linearInLayout(x: Tensor, layer: DenseLayer<Tensor>, transposed: boolean, pool: LinearLaunch['pool'] = null): Tensor {
  const { weight, bias, activation } = layer;
  const training = needsGrad([x, weight, bias]);
  if (training && activation !== 'identity') {
    // Recorded: the activation's backward needs the pre-activation, so the two run unfused.
    const z = linearInLayout(x, { weight, bias, activation: 'identity' }, transposed, pool);
    const y = activationOp(z, activation);
    z.dispose();
    return y;
  }
  const plan = planLinear(pool ? x.shape.slice(0, 2) : x.shape, pytorchWeightShape(weight, transposed));
  const dtypes = { halves: 'convert', mismatch: linearMessages.dtypeMismatch } as const;
  checkInputs('linear', bias ? [x, weight, bias] : [x, weight], dtypes);
  // x and the weight are read as vec4s: a caller's unpadded buffer is copied into a padded one first.
  const y = withPadded(x, (padded) =>
    produce(
      'linear',
      bias ? [padded, weight, bias] : [padded, weight],
      plan.outputShape,
      (input, output, dtype) =>
        launchLinear(
          x.device,
          { ...plan, x: input, weight: weight.binding, bias: bias?.binding ?? null, activation, weightTransposed: transposed, pool, half: dtype === 'float16' },
          output,
        ),
      dtypes,
    ),
  );
  if (!training) return y;
  if (pool) throw new Error('webgpu-layers: a fused pool + linear is never recorded (pooledLinear pools first when training)');
  return record(bias ? 'AddmmBackward0' : 'MmBackward0', [x, weight, bias], y, [x, weight], (grad, needs, [sx, sw]) => {
    const g = linearBackward(grad, sx!, sw!, transposed, needs);
    return [g.input, g.weight, g.bias];
  });
}

/** @internal nn.Linear's forward: its device weight is stored [in, out]. */
export function denseLayer(x: Tensor, layer: DenseLayer<Tensor>): Tensor {
  return linearInLayout(x, layer, true);
}

/**
 * @internal A ResNet head's global pool and its fc as one dispatch, with no pooled intermediate: x (N, C, H, W)
 * → (N, out), each map's sum ÷ `divisor` fed to the dense layer (weight stored [in, out], in = C). Null when
 * the device's global_pool_linear strategy is "split" or the shapes do not allow it (`pooledBlockRows`: small
 * maps, the rows in one workgroup's block); the caller then pools first.
 * Callers have checked the shapes (PyTorch's errors).
 */
export function globalPoolLinear(x: Tensor, divisor: number, layer: DenseLayer<Tensor>): Tensor | null {
  if (needsGrad([x, layer.weight, layer.bias])) return null; // recorded: pool, then the Linear, each with its backward
  if (!sameAsContiguous(x.shape, x.memoryFormat)) return null; // channels last: the global pool reads it, then the Linear
  const [rows, channels, h, w] = x.shape as [number, number, number, number];
  const planeSize = h * w;
  if (kernelStrategy(x.device, 'global_pool_linear') !== 'fused' || planeSize === 0 || pooledBlockRows(x.device, rows, channels, planeSize) === null)
    return null;
  return linearInLayout(x, layer, true, { planeSize, divisor });
}

/** @internal A ResNet head: the fused global pool + fc where it runs, else the global pool, then the fc. */
export function pooledLinear(x: Tensor, divisor: number, layer: DenseLayer<Tensor>): Tensor {
  const fused = globalPoolLinear(x, divisor, layer);
  if (fused) return fused;
  const pooled = adaptiveAvgPool2d(x, 1);
  const flat = pooled.reshape(x.shape.slice(0, 2));
  pooled.dispose();
  const y = denseLayer(flat, layer);
  flat.dispose();
  return y;
}

// Autotune's workloads: a classifier (8 rows) and a wider batch, in nn.Linear's device layout (the weight [in, out],
// where four features per invocation apply); ResNet heads at batch 1 (ResNet-50) and 8 (ResNet-18).
defineTuning('linear', [
  (device) =>
    onTensors(
      device,
      [
        [8, 512],
        [512, 1000],
      ],
      (x, weight) => denseLayer(x!, { weight: weight!, bias: null, activation: 'identity' }),
    ),
  (device) =>
    onTensors(
      device,
      [
        [64, 256],
        [256, 256],
      ],
      (x, weight) => denseLayer(x!, { weight: weight!, bias: null, activation: 'identity' }),
    ),
]);
const head = (shape: [number, number, number, number], classes: number) => (device: GPUDevice) =>
  onTensors(device, [shape, [shape[1], classes], [classes]], (x, weight, bias) =>
    pooledLinear(x!, shape[2] * shape[3], { weight: weight!, bias: bias!, activation: 'identity' }),
  );
defineTuning('global_pool_linear', [head([1, 2048, 7, 7], 1000), head([8, 512, 7, 7], 1000)]);
