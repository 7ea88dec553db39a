// webgpu-layers: the browser-safe core. It takes any GPUDevice (navigator.gpu's, or Dawn's from
// 'webgpu-layers/node') and never imports Node modules.
export { Tensor } from './tensor.js';
export * as nn from './nn/index.js';
export * as reference from './reference/index.js';
export { F } from './F.js';
export { TorchError } from './errors.js';
export { loadSafetensors, SafetensorsError } from './safetensors.js';
export { liveBytes, compiledPipelineCount, gpuStats } from './gpu/deviceState.js';
export { synchronize, whenSubmitted } from './gpu/commandBatch.js';
export { loopLimit, probeLoopLimit } from './gpu/loopLimit.js';
export { measureGpuTime } from './gpu/profiler.js';
export type { GpuTiming } from './gpu/profiler.js';
export { autotune } from './autotune.js';
export type { AutotuneResult } from './autotune.js';
export { KERNEL_VARIANTS, kernelVariant, setKernelVariant } from './gpu/variants.js';
export type { TunableKernel, VariantOf } from './gpu/variants.js';
export type { AvgPool2dOptions, AdaptiveOutputSize, IntOrPair } from './poolingPlan.js';
