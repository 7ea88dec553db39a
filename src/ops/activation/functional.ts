// The elementwise activations as a functional op (nn.ReLU and friends run it; Linear fuses them instead), with
// their backward when recorded (PyTorch's grad_fn names).
import { record } from '../../autograd/graph.js';
import type { Tensor } from '../../core/tensor.js';
import { produce, requireTensor, withPadded, written } from '../produce.js';
import { launchActivation, launchActivationBackward, type ActivationName } from './kernel.js';

const GRAD_FN: Record<ActivationName, string> = {
  identity: 'CloneBackward0',
  relu: 'ReluBackward0',
  relu6: 'HardtanhBackward0',
  sigmoid: 'SigmoidBackward0',
  hardsigmoid: 'HardsigmoidBackward0',
  hardswish: 'HardswishBackward0',
};

/** The gradient of `name` at x for the output gradient `grad`. */
export function activationBackward(x: Tensor, grad: Tensor, name: ActivationName): Tensor {
  return written(x.device, x.shape, (out) => launchActivationBackward(x.device, name, x.size, x.binding, grad.binding, out));
}

/** An elementwise activation (`relu`, `relu6`, `sigmoid`, `hardsigmoid`, `hardswish`) of any shape. */
export function activation(x: Tensor, name: ActivationName): Tensor {
  requireTensor(name, 'input', x);
  const run = (input: Tensor) =>
    produce('activation', [input], x.shape, (binding, output, dtype) => launchActivation(x.device, name, x.size, binding, output, dtype === 'float16'), {
      halves: 'kernel',
      layouts: 'elementwise',
    });
  // Read four elements at a time: a caller's unpadded buffer is copied into a padded one first.
  const y = withPadded(x, run);
  return record(GRAD_FN[name], [x], y, [x], (grad, _needs, [saved]) => [activationBackward(saved!, grad, name)]);
}
