// Some software adapters cap every shader loop: Mesa llvmpipe stops each loop after 65,535 iterations per
// invocation (re-entering it does not reset the count), without an error. `probeLoopLimit` measures the cap
// once per device; kernels then choose a strategy whose loops fit under it, or refuse with a clear error
// instead of returning wrong numbers.
import code from '../../shaders/runtime/loop_limit_probe.wgsl?raw';
import { WebGPULayersError } from '../core/errors.js';
import { invalidateCaptures } from './captureGeneration.js';
import { contextOf } from './context.js';

const PROBE_ITERATIONS = 1 << 20;

/** The loop cap measured on `device`, Infinity when it has none or was not probed. */
export function loopLimit(device: GPUDevice): number {
  return contextOf(device).loopLimit;
}

/** Runs the probe shader once and records the cap (Infinity when the loop ran in full). */
export async function probeLoopLimit(device: GPUDevice): Promise<number> {
  const context = contextOf(device);
  if (context.loopLimitProbed) return context.loopLimit;
  const counts = device.createBuffer({ size: 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  new Uint32Array(counts.getMappedRange()).set([PROBE_ITERATIONS, 0]);
  counts.unmap();
  const readback = device.createBuffer({ size: 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const pipeline = await device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code, label: 'loop_limit_probe' }), entryPoint: 'main' },
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: counts } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(counts, 0, readback, 0, 8);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const ran = new Uint32Array(readback.getMappedRange())[1]!;
    readback.unmap();
    const limit = ran < PROBE_ITERATIONS ? ran : Infinity;
    context.loopLimit = limit;
    invalidateCaptures(); // strategies may now fall back to others
    context.loopLimitProbed = true;
    return limit;
  } finally {
    counts.destroy();
    readback.destroy();
  }
}

/** Whether a loop of `iterations` runs in full on `device`. */
export function loopFits(device: GPUDevice, iterations: number): boolean {
  return iterations <= loopLimit(device);
}

/** Throws a clear error, before any GPU work, when a kernel's loop would be cut short on `device`. */
export function checkLoop(device: GPUDevice, kernel: string, iterations: number, what: string): void {
  if (loopFits(device, iterations)) return;
  throw new WebGPULayersError(
    'too-large',
    `${kernel} needs a loop of ${iterations} iterations (${what}), but this adapter stops shader loops ` +
      `after ${loopLimit(device)} (Mesa llvmpipe does). Use another adapter: WEBGPU_LAYERS_ADAPTER=swiftshader, or a GPU.`,
  );
}
