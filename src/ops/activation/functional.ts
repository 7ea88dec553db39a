// The elementwise activations as a functional op (nn.ReLU and friends run it; Linear fuses them instead).
import type { Tensor } from '../../core/tensor.js';
import { produce } from '../produce.js';
import { launchActivation, type ActivationName } from './kernel.js';

/** An elementwise activation (`relu`, `relu6`, `sigmoid`, `hardsigmoid`, `hardswish`) of any shape. */
export function activation(x: Tensor, name: ActivationName): Tensor {
  return produce('activation', [x], x.shape, (input, output) => launchActivation(x.device, name, x.size, input, output));
}
