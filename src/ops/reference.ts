// CPU reference implementations: the same semantics as the GPU kernels, in plain loops, for checking them.
export type { IndexData, TensorData } from '../core/tensorData.js';
export { adaptiveAvgPool2d, avgPool2d } from './pooling/reference.js';
export { activation } from './activation/reference.js';
export { channelScale } from './squeezeExcitation/reference.js';
export { linear } from './linear/reference.js';
export { crossEntropy, mseLoss } from './loss/reference.js';
export type { CrossEntropyReferenceOptions } from './loss/reference.js';
export { maxAbsDiff } from '../core/compare.js';
export { imageToTensor } from './image/reference.js';
export { conv2dReference as conv2d } from './convolution/reference.js';
export { batchNormReference as batchNorm } from './normalization/reference.js';
