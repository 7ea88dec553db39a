// The functional API, `F`, as in torch.nn.functional: only the public ops of functional.ts.
import { activation, adaptiveAvgPool2d, avgPool2d, linear } from './functional.js';
import type { Tensor } from './tensor.js';

export const F = {
  avgPool2d,
  adaptiveAvgPool2d,
  linear,
  relu: (x: Tensor) => activation(x, 'relu'),
  relu6: (x: Tensor) => activation(x, 'relu6'),
  sigmoid: (x: Tensor) => activation(x, 'sigmoid'),
  hardsigmoid: (x: Tensor) => activation(x, 'hardsigmoid'),
  hardswish: (x: Tensor) => activation(x, 'hardswish'),
} as const;
