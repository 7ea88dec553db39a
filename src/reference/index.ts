// CPU reference implementations: the same semantics as the GPU kernels, in plain loops, for checking them.
export { avgPool2d } from './avgPool2d.js';
export { adaptiveAvgPool2d } from './adaptiveAvgPool2d.js';
export type { TensorData } from './tensorData.js';
export { activation, activationFunctions, channelScale, linear } from './layers.js';
export { maxAbsDiff, worstMismatch } from './compare.js';
export type { Mismatch, Tolerance } from './compare.js';
export { imageToTensor } from './image.js';
