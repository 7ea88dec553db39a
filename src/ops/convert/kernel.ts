// float32 ⇄ float16 on the GPU (shaders/convert/convert.wgsl): one invocation per u32 word, i.e. per pair of elements.
import source from '../../../shaders/convert/convert.wgsl?raw';
import { defineKernel, HALF_LIBRARY } from '../../runtime/kernel.js';
import { launch } from '../../runtime/launch.js';
import { launchInChunks } from '../../runtime/planeChunks.js';

const WORKGROUP_SIZE = 64;
const kernel = defineKernel({
  name: 'convert',
  source,
  bindings: [
    { name: 'input', access: 'read', element: 'u32' },
    { name: 'output', access: 'read_write', element: 'u32' },
  ],
  params: { total: 'u32' },
  chunked: true,
  libraries: [HALF_LIBRARY],
});

/** Records `total` elements of `input` converted into `output`: to float16 (rounded to nearest even) or to float32. */
export function launchConvert(device: GPUDevice, toHalf: boolean, total: number, input: GPUBufferBinding, output: GPUBufferBinding): Promise<void> {
  // Pieces of pairs of elements over a tensor larger than one binding: a pair is two f32 words and one half word.
  const [inWords, outWords] = toHalf ? [2, 1] : [1, 2];
  return launchInChunks(
    device,
    Math.ceil(total / 2),
    inWords,
    outWords,
    input,
    output,
    (chunk) => {
      const elements = Math.min(chunk.planes * 2, total - chunk.firstPlane * 2);
      return launch(device, kernel, {
        constants: { WORKGROUP_SIZE, TO_HALF: toHalf ? 1 : 0 },
        bindings: [chunk.input, chunk.output],
        params: { total: elements, inputBase: chunk.inputBase, outputBase: chunk.outputBase },
        workgroups: Math.ceil(chunk.planes / WORKGROUP_SIZE),
      });
    },
    { planeName: 'pair of elements' },
  );
}
