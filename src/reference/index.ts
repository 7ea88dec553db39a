// CPU reference implementations: the same semantics as the GPU kernels, in plain loops, for checking them.
export { avgPool2d } from './avgPool2d.js';
export { adaptiveAvgPool2d } from './adaptiveAvgPool2d.js';
export type { IndexData, TensorData } from './tensorData.js';
export { adaptivePool, maxUnpool, torchPow, windowPool } from './poolingNd.js';
export type { PooledData } from './poolingNd.js';
export { activation, activationFunctions, channelScale, linear } from './layers.js';
export { maxAbsDiff, worstMismatch } from './compare.js';
export type { Mismatch, Tolerance } from './compare.js';
export { imageToTensor } from './image.js';
