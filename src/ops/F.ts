// The functional API, `F`, as in torch.nn.functional: the public ops of every family's functional module.
import type { Tensor } from '../core/tensor.js';
import * as families from './families.js';
import { activation } from './activation/functional.js';
import { linear } from './linear/functional.js';
import { crossEntropy, mseLoss } from './loss/functional.js';
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  lpPool1d,
  lpPool2d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
} from './pooling/functional.js';
import { maxUnpool1d, maxUnpool2d, maxUnpool3d } from './pooling/unpool.js';
// Loaded for their kernels' autotune workloads (the SE blocks run these ops through nn).
import './squeezeExcitation/functional.js';

type Family = (typeof families)[keyof typeof families];
type Intersection<U> = (U extends unknown ? (ops: U) => void : never) extends (ops: infer All) => void ? All : never;
/** Every family's functional ops together (each family's index.ts `functional`). */
type FamilyOps = Intersection<Family['functional']>;

/** The ops of the families that predate the skeleton, listed here. */
const listed = {
  crossEntropy,
  mseLoss,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  lpPool1d,
  lpPool2d,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
  linear,
  relu: (x: Tensor) => activation(x, 'relu'),
  relu6: (x: Tensor) => activation(x, 'relu6'),
  sigmoid: (x: Tensor) => activation(x, 'sigmoid'),
  hardsigmoid: (x: Tensor) => activation(x, 'hardsigmoid'),
  hardswish: (x: Tensor) => activation(x, 'hardswish'),
} as const;

/** torch.nn.functional: the listed ops and every family's (src/ops/families.ts). */
export const F: typeof listed & FamilyOps = { ...listed, ...(Object.assign({}, ...Object.values(families).map((family) => family.functional)) as FamilyOps) };
