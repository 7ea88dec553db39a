// CPU reference of the SE block's last step, the channel scale.
import { checkData } from '../../core/shape.js';
import type { TensorData } from '../../core/tensorData.js';

/** x · gate with x (N, C, H, W) and gate (N, C): PyTorch's `x * gate.view(N, C, 1, 1)`. */
export function channelScale(data: Float32Array, shape: readonly number[], gate: Float32Array): TensorData {
  checkData(data, shape);
  const planes = gate.length;
  const planeSize = planes === 0 ? 0 : data.length / planes;
  return { data: data.map((v, i) => v * gate[Math.floor(i / planeSize)]!), shape: [...shape] };
}
