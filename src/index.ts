/// <reference types="@webgpu/types" preserve="true" />
// webgpu-layers: the browser-safe core. It takes any GPUDevice (navigator.gpu's, or Dawn's from
// 'webgpu-layers/node') and never imports Node modules.
// Tensor.fromImage's implementation registers itself when its op module loads.
import './ops/image/source.js';
// The autograd engine registers itself with Tensor when loaded.
import './autograd/engine.js';
// tensor.to(dtype) registers itself with Tensor when loaded.
import './ops/convert/functional.js';
export { Tensor } from './core/tensor.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as models from './models/index.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/mode.js';
export { manualSeed } from './core/random.js';
export * as reference from './ops/reference.js';
export { F } from './ops/F.js';
export { loadSafetensors, saveSafetensors, SafetensorsError } from './io/safetensors.js';
export { TorchError, WebGPULayersError } from './core/errors.js';
export type { KitErrorCode, TorchErrorKind } from './core/errors.js';
export type { ActivationName } from './ops/activation/kernel.js';
export {
  liveBytes,
  compiledPipelineCount,
  gpuStats,
  memoryStats,
  emptyCache,
  setMemoryCap,
  resetPeakMemoryStats,
  releaseDevice,
  recordedCommands, // @internal in its declaration: kept out of the published types, for the bench's raw replay
  synchronize,
  whenSubmitted,
} from './runtime/context.js';
export type { MemoryStats } from './runtime/allocator.js';
export { loopLimit, probeLoopLimit } from './runtime/loopLimit.js';
export { measureGpuTime } from './runtime/profiler.js';
export type { GpuTiming } from './runtime/profiler.js';
export { autotune } from './device/autotune.js';
export { requestBrowserDevice, DeviceKeeper } from './device/browserDevice.js';
export { fromOrtTensor, toOrtTensor, fromTfjs, toTfjs } from './io/interop.js';
export type { OrtLike, OrtTensorLike, TfLike, TfTensorLike, TfHandOffOptions } from './io/interop.js';
export type { BrowserDeviceOptions } from './device/browserDevice.js';
export type { ArrayOf, BackwardOptions, DType, FloatDType, FromArrayOptions, FromGPUBufferOptions, GPUBufferView, GradFn } from './core/tensor.js';
export type { MemoryFormat } from './core/memoryFormat.js';
export type { CrossEntropyOptions, LossReduction, MSELossOptions } from './ops/loss/plan.js';
export type { FromImageOptions } from './ops/image/plan.js';
export type { ImageSource, PixelData } from './ops/image/source.js';
export type { AutotuneResult } from './device/autotune.js';
export { KERNEL_STRATEGIES, kernelStrategy, setKernelStrategy } from './ops/strategies.js';
export type { KernelStrategyTable, TunableKernel, StrategyOf } from './ops/strategies.js';
export type { AdaptiveOutputSize, AdaptiveSize, IntOrPair, IntOrTuple } from './ops/pooling/args.js';
export type { AvgPool1dOptions, AvgPool2dOptions, AvgPool3dOptions, LPPoolOptions } from './ops/pooling/windowPlan.js';
export type { MaxPoolOptions } from './ops/pooling/maxPoolPlan.js';
export type { AdaptiveMaxPoolOptions } from './ops/pooling/adaptivePlan.js';
export type { MaxUnpoolOptions } from './ops/pooling/unpoolPlan.js';
export type { MaxPoolResult, WithIndices } from './ops/pooling/functional.js';
export type { MaxUnpoolCallOptions } from './ops/pooling/unpool.js';
export type { Conv2dOptions, PaddingMode } from './ops/convolution/plan.js';
export type { BatchNormOptions as BatchNormFunctionalOptions } from './ops/normalization/plan.js';
export type { DropoutOptions } from './ops/dropout/functional.js';
