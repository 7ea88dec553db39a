// Linear's backward on the GPU: dX = G·W, dW = Gᵀ·X (in the weight tensor's own layout), db = Σ_rows G, each one
// strided matmul dispatch that reads the operands in place (shaders/linear/matmul.wgsl). A gather: every output
// sums its k terms in ascending order, as the CPU reference (reference.ts, linearBackward) does.
import source from '../../../shaders/linear/matmul.wgsl?raw';
import type { Tensor } from '../../core/tensor.js';
import { written } from '../produce.js';
import { contextOf } from '../../runtime/context.js';
import { defineKernel } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'matmul',
  source,
  bindings: [
    { name: 'a', access: 'read' },
    { name: 'b', access: 'read' },
    { name: 'c', access: 'read_write' },
  ],
  params: { m: 'u32', n: 'u32', k: 'u32', aStrideM: 'u32', aStrideK: 'u32', bStrideK: 'u32', bStrideN: 'u32' },
});

interface Operand {
  tensor: Tensor | null; // null: ones
  strideM?: number;
  strideK?: number;
  strideN?: number;
}

/** c [m, n] = a · b with strided operands (a null: ones). */
function matmul(device: GPUDevice, shape: readonly number[], m: number, n: number, k: number, a: Operand, b: Operand): Tensor {
  return written(device, shape, (c) =>
    launch(device, kernel, {
      constants: { WORKGROUP_SIZE, A_ONES: a.tensor ? 0 : 1 },
      bindings: [a.tensor?.binding ?? { buffer: contextOf(device).placeholder() }, b.tensor!.binding, c],
      params: { m, n, k, aStrideM: a.strideM ?? 0, aStrideK: a.strideK ?? 0, bStrideK: b.strideK!, bStrideN: b.strideN! },
      workgroups: Math.ceil((m * n) / WORKGROUP_SIZE),
    }),
  );
}

export interface LinearGradients {
  input: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
}

/**
 * The gradients of y = x·Wᵀ + b from G = dL/dy, for the inputs in `needs` (x, weight, bias). x (*, in) and G
 * (*, out) as rows; the weight is [out, in] (PyTorch's layout) or, `transposed`, [in, out] (nn.Linear's device
 * layout), and its gradient comes in the same layout as the weight.
 */
export function linearBackward(grad: Tensor, x: Tensor, weight: Tensor, transposed: boolean, needs: readonly boolean[]): LinearGradients {
  const device = grad.device;
  const out = grad.shape.at(-1)!;
  const inFeatures = x.shape.at(-1)!;
  const rows = out > 0 ? grad.size / out : x.size / Math.max(1, inFeatures);
  const input = needs[0]
    ? matmul(
        device,
        x.shape,
        rows,
        inFeatures,
        out,
        { tensor: grad, strideM: out, strideK: 1 },
        transposed ? { tensor: weight, strideK: 1, strideN: out } : { tensor: weight, strideK: inFeatures, strideN: 1 },
      )
    : null;
  const weightGrad = needs[1]
    ? transposed
      ? matmul(device, weight.shape, inFeatures, out, rows, { tensor: x, strideM: 1, strideK: inFeatures }, { tensor: grad, strideK: out, strideN: 1 })
      : matmul(device, weight.shape, out, inFeatures, rows, { tensor: grad, strideM: 1, strideK: out }, { tensor: x, strideK: inFeatures, strideN: 1 })
    : null;
  const bias = needs[2] ? matmul(device, [out], 1, out, rows, { tensor: null }, { tensor: grad, strideK: out, strideN: 1 }) : null;
  return { input, weight: weightGrad, bias };
}
