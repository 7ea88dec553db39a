// float32 ⇄ float16 on the GPU (shaders/convert/convert.wgsl): one invocation per u32 word, i.e. per pair of elements.
import source from '../../../shaders/convert/convert.wgsl?raw';
import { defineKernel, HALF_LIBRARY } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'convert',
  source,
  bindings: [
    { name: 'input', access: 'read', element: 'u32' },
    { name: 'output', access: 'read_write', element: 'u32' },
  ],
  params: { total: 'u32' },
  libraries: [HALF_LIBRARY],
});

/** Records `total` elements of `input` converted into `output`: to float16 (rounded to nearest even) or to float32. */
export function launchConvert(device: GPUDevice, toHalf: boolean, total: number, input: GPUBufferBinding, output: GPUBufferBinding): Promise<void> {
  return launch(device, kernel, {
    constants: { WORKGROUP_SIZE, TO_HALF: toHalf ? 1 : 0 },
    bindings: [input, output],
    params: { total },
    workgroups: Math.ceil(Math.ceil(total / 2) / WORKGROUP_SIZE),
  });
}
