/// <reference types="@webgpu/types" preserve="true" />
// webgpu-layers: the browser-safe core. It takes any GPUDevice (navigator.gpu's, or Dawn's from
// 'webgpu-layers/node') and never imports Node modules.
export { Tensor } from './tensor.js';
export * as nn from './nn/index.js';
export * as reference from './reference/index.js';
export { F } from './F.js';
export { loadSafetensors, SafetensorsError } from './safetensors.js';
export { TorchError, WebGPULayersError } from './errors.js';
export type { KitErrorCode } from './errors.js';
export {
  liveBytes, compiledPipelineCount, gpuStats, memoryStats, emptyCache, setMemoryCap, resetPeakMemoryStats, deviceContext, synchronize, whenSubmitted,
} from './gpu/context.js';
export type { DeviceContext } from './gpu/context.js';
export type { MemoryStats } from './gpu/allocator.js';
export { loopLimit, probeLoopLimit } from './gpu/loopLimit.js';
export { measureGpuTime } from './gpu/profiler.js';
export type { GpuTiming } from './gpu/profiler.js';
export { autotune } from './autotune.js';
export { median } from './stats.js';
export { requestBrowserDevice, DeviceKeeper } from './browserDevice.js';
export { fromOrtTensor, toOrtTensor, fromTfjs, toTfjs } from './interop.js';
export type { OrtLike, OrtTensorLike, TfLike, TfTensorLike, TfHandOffOptions } from './interop.js';
export type { AcquiredDevice, BrowserDeviceOptions } from './browserDevice.js';
export type { ArrayOf, DType, FromGPUBufferOptions, GPUBufferView } from './tensor.js';
export type { FromImageOptions } from './imagePlan.js';
export type { ImageSource, PixelData } from './imageSource.js';
export type { AutotuneResult } from './autotune.js';
export { KERNEL_STRATEGIES, kernelStrategy, setKernelStrategy, KERNEL_VARIANTS, kernelVariant, setKernelVariant } from './gpu/strategies.js';
export type { TunableKernel, StrategyOf, VariantOf } from './gpu/strategies.js';
export type { AvgPool2dOptions, AdaptiveOutputSize, IntOrPair } from './poolingPlan.js';
export type {
  AdaptiveMaxPoolOptions, AdaptiveSize, AvgPool1dOptions, AvgPool3dOptions, IntOrTuple, LPPoolOptions, MaxPoolOptions, MaxUnpoolOptions,
} from './poolNdPlan.js';
export type { MaxPoolResult, MaxUnpoolCallOptions, WithIndices } from './functionalPooling.js';
