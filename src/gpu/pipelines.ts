// One compute-pipeline cache per device, keyed by kernel name + override constants, never by a shape,
// so a new image size never recompiles. In-flight compiles are shared.
import { deviceState } from './deviceState.js';

/** A WGSL kernel: its source (shaders/<name>.wgsl) and the override constants it is built with. */
export interface KernelDescriptor {
  /** The shader's file name without .wgsl, e.g. `avg_pool2d`; also its label in WebGPU errors. */
  name: string;
  code: string;
}

export type OverrideConstants = Record<string, number>;

export function getPipeline(device: GPUDevice, kernel: KernelDescriptor, constants: OverrideConstants): Promise<GPUComputePipeline> {
  const key = `${kernel.name}${JSON.stringify(constants)}`;
  const cache = deviceState(device).pipelines;
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = compile(device, kernel, constants, key);
    // A failed compile is not cached, so a later call reports it again rather than a stale rejection.
    pipeline.catch(() => cache.delete(key));
    cache.set(key, pipeline);
  }
  return pipeline;
}

async function compile(device: GPUDevice, kernel: KernelDescriptor, constants: OverrideConstants, label: string) {
  const module = device.createShaderModule({ code: kernel.code, label: kernel.name });
  try {
    return await device.createComputePipelineAsync({
      label,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
  } catch (error) {
    const info = await module.getCompilationInfo();
    const lines = info.messages.map((m) => `  ${kernel.name}.wgsl:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
    throw new Error(`webgpu-layers: kernel ${label} failed to compile: ${(error as Error).message}\n${lines.join('\n')}`);
  }
}
