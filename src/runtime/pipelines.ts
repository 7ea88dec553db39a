// One compute-pipeline cache per device (in its context), keyed by kernel name + override constants, never by
// a shape, so a new image size never recompiles. In-flight compiles are shared.
import { WebGPULayersError } from '../core/errors.js';
import type { DeviceContext } from './context.js';
import type { Kernel } from './kernel.js';

export type OverrideConstants = Record<string, number>;

/** The cache key of a kernel built with `constants`. */
export const pipelineKey = (kernel: Kernel<never>, constants: OverrideConstants) => `${kernel.name}${JSON.stringify(constants)}`;

/** The compiled pipeline when it is ready (so a batch of ready pipelines submits without awaiting), else its compile. */
export function getPipeline(
  context: DeviceContext,
  kernel: Kernel<never>,
  constants: OverrideConstants,
  key: string,
): GPUComputePipeline | Promise<GPUComputePipeline> {
  const ready = context.readyPipelines.get(key);
  if (ready) return ready;
  const cache = context.pipelines;
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = compile(context.device, kernel, constants, key);
    // A failed compile is not cached, so a later call reports it again rather than a stale rejection.
    pipeline.then(
      (compiled) => context.readyPipelines.set(key, compiled),
      () => cache.delete(key),
    );
    cache.set(key, pipeline);
  }
  return pipeline;
}

async function compile(device: GPUDevice, kernel: Kernel<never>, constants: OverrideConstants, label: string) {
  const module = device.createShaderModule({ code: kernel.code, label: kernel.name });
  try {
    return await device.createComputePipelineAsync({
      label,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
  } catch (error) {
    const info = await module.getCompilationInfo();
    // Lines of the kernel's own .wgsl file (the generated declarations come before it).
    const lines = info.messages.map((m) => `  ${kernel.name}.wgsl:${m.lineNum - kernel.bodyLine}:${m.linePos} ${m.type}: ${m.message}`);
    throw new WebGPULayersError('compile-failed', `kernel ${label} failed to compile: ${(error as Error).message}\n${lines.join('\n')}`);
  }
}
