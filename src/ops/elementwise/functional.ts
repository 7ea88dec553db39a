// F.add: the sum of two tensors of one shape (a residual connection), with PyTorch's AddBackward0: the output
// gradient flows unchanged to both inputs. Same-shape only (no broadcasting): PyTorch's message otherwise.
import source from '../../../shaders/elementwise/add.wgsl?raw';
import { record } from '../../autograd/graph.js';
import { TorchError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import { defineKernel, type KernelSpec, withHalves } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { produce } from '../produce.js';

const WORKGROUP_SIZE = 64;
const spec: KernelSpec<{ total: 'u32' }> = {
  name: 'add',
  source,
  bindings: [
    { name: 'a', access: 'read' },
    { name: 'b', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { total: 'u32' },
};
const kernels = { f32: defineKernel(spec), f16: defineKernel(withHalves(spec, { reads: ['a', 'b'] })) };

/** PyTorch's broadcasting error for two shapes that differ (the kit adds same-shape tensors only). */
function checkSameShape(a: readonly number[], b: readonly number[]): void {
  const rank = Math.max(a.length, b.length);
  for (let i = 1; i <= rank; i++) {
    const x = a[a.length - i] ?? 1;
    const y = b[b.length - i] ?? 1;
    if (x !== y) {
      throw new TorchError(`The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${rank - i}`);
    }
  }
  if (a.length !== b.length) throw new TorchError(`add: broadcasting is not supported here; got shapes [${a.join(', ')}] and [${b.join(', ')}]`);
}

/** a + b (PyTorch's `torch.add` / `a + b` for tensors of one shape); the output has a's memory format. */
export function add(a: Tensor, b: Tensor): Tensor {
  checkSameShape(a.shape, b.shape);
  const laidOut = b.memoryFormat === a.memoryFormat ? b : b.contiguous(a.memoryFormat);
  try {
    const y = produce(
      'add',
      [a, laidOut],
      a.shape,
      (input, output, dtype) =>
        launch(a.device, dtype === 'float16' ? kernels.f16 : kernels.f32, {
          constants: { WORKGROUP_SIZE },
          bindings: [input, laidOut.binding, output],
          params: { total: a.size },
          workgroups: Math.ceil(a.size / WORKGROUP_SIZE),
        }),
      { halves: 'convert', layouts: 'elementwise' },
    );
    return record('AddBackward0', [a, b], y, [], (grad, needs) => needs.map((need) => (need ? grad.detach() : null)));
  } finally {
    if (laidOut !== b) laidOut.dispose();
  }
}
