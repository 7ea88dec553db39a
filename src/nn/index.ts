export { Module, Parameter } from './module.js';
export type { AnyModule } from './module.js';
export type { IncompatibleKeys, LoadStateDictOptions, LoadableStateDict, ParameterData, StateDict } from './module.js';
export { AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool3d, LPPool1d, LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool3d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d,
} from './poolingNd.js';
export type { MaxOutput, MaxCpuOutput } from './poolingNd.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Activation, ReLU, ReLU6, Sigmoid, Hardsigmoid, Hardswish } from './activation.js';
export { Flatten, Sequential } from './container.js';
export { SELayer, SqueezeAndExcite } from './squeezeExcitation.js';
export type { SqueezeAndExciteOptions } from './squeezeExcitation.js';
export { ResNetHead } from './resnetHead.js';
export type { ResNetHeadOptions } from './resnetHead.js';
