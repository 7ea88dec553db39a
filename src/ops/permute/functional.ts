// x.permute(dims) of a 4-D tensor: NCHW ↔ NHWC for the TF.js hand-off.
import type { Tensor } from '../../core/tensor.js';
import { produce } from '../produce.js';
import { launchPermute, permuteMovesHalves } from './kernel.js';

/**
 * @internal x.permute(dims) of a 4-D tensor, as a new tensor (one copy kernel): NCHW ↔ NHWC for TF.js. `exact`:
 * in a buffer of exactly its bytes.
 */
export function permute4d(x: Tensor, dims: readonly [number, number, number, number], exact = false): Tensor {
  // float16: the halves move as they are where the kernel owns whole output words, else widened and converted after.
  const movesHalves = permuteMovesHalves(x.device, x.shape, dims);
  return produce(
    'permute',
    [x],
    dims.map((d) => x.shape[d]!),
    (input, output, dtype) => launchPermute(x.device, x.shape, dims, input, output, dtype === 'float32' ? 'f32' : movesHalves ? 'halves' : 'f16'),
    { exactOutput: exact, halves: movesHalves ? 'kernel' : 'convert' },
  );
}
