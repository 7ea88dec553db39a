import source from '../../shaders/pool_window.wgsl?raw';
import { launch } from '../gpu/launch.js';
import { launchInChunks } from '../gpu/planeChunks.js';
import { strategyWithinLoopLimit } from '../gpu/strategies.js';
import type { WindowPlan } from '../poolNdPlan.js';
import { defineIndexedPool } from './indexedPool.js';

const WORKGROUP_SIZE = 64;
const MODES = { avg: 0, max: 1, lp: 2 } as const;
const params = {
  total: 'u32', // work items of the piece: planes · outD · outH · ⌈outW / OUTPUTS_PER_INVOCATION⌉
  inD: 'i32', inH: 'i32', inW: 'i32',
  outD: 'i32', outH: 'i32', outW: 'i32',
  kernelD: 'i32', kernelH: 'i32', kernelW: 'i32',
  strideD: 'i32', strideH: 'i32', strideW: 'i32',
  padD: 'i32', padH: 'i32', padW: 'i32',
  dilationD: 'i32', dilationH: 'i32', dilationW: 'i32',
  countIncludePad: 'u32',
  divisorOverride: 'f32', // PyTorch's int64 divisor, as a float: 0 means none
  normType: 'f32',
  inverseNorm: 'f32',
  kernelArea: 'f32',
} as const;
const { plain, withIndices } = defineIndexedPool('pool_window', source, params);

/**
 * Records max, average or LP pooling over fixed windows: one invocation per output or run of outputs, in pieces of planes
 * when the tensors are large. `indices`: where max pooling writes its argmax (int32, laid out as the output).
 */
export function launchWindowPool(device: GPUDevice, plan: WindowPlan, input: GPUBufferBinding, output: GPUBufferBinding, indices: GPUBufferBinding | null): Promise<void> {
  // The window loops run once per window element and output of the invocation's run.
  const windowVolume = plan.kernel.reduce((volume, k, i) => volume * Math.min(k, plan.input[i]!), 1);
  const { constants } = strategyWithinLoopLimit(device, 'pool_window', (c) => windowVolume * Math.min(plan.output[2], c.OUTPUTS_PER_INVOCATION!), `windows of ${plan.kernel.join('×')}`);
  const [inD, inH, inW] = plan.input;
  const [outD, outH, outW] = plan.output;
  const inVolume = inD * inH * inW;
  const outVolume = outD * outH * outW;
  // A stride past in + 2·pad leaves one window, whose start it does not affect: clamp it into i32.
  const planar = plan.input[0] === 1 && plan.kernel[0] === 1 && plan.padding[0] === 0 && plan.dilation.every((d) => d === 1);
  const stride = plan.stride.map((s, i) => Math.min(s, plan.input[i]! + 2 * plan.padding[i]! + 1));
  return launchInChunks(device, plan.planes, inVolume, outVolume, input, output, (chunk) => {
    const total = chunk.planes * outD * outH * Math.ceil(outW / constants.OUTPUTS_PER_INVOCATION!);
    const kernel = indices ? withIndices : plain;
    return launch(device, kernel, {
      constants: { WORKGROUP_SIZE, MODE: MODES[plan.mode], PLANAR_UNDILATED: planar ? 1 : 0, ...constants },
      bindings: [chunk.input, chunk.output, ...chunk.extraOutputs],
      params: {
        total, inD, inH, inW, outD, outH, outW,
        kernelD: plan.kernel[0], kernelH: plan.kernel[1], kernelW: plan.kernel[2],
        strideD: stride[0]!, strideH: stride[1]!, strideW: stride[2]!,
        padD: plan.padding[0], padH: plan.padding[1], padW: plan.padding[2],
        dilationD: plan.dilation[0], dilationH: plan.dilation[1], dilationW: plan.dilation[2],
        countIncludePad: plan.countIncludePad ? 1 : 0,
        divisorOverride: plan.divisorOverride ?? 0,
        normType: plan.normType,
        inverseNorm: 1 / plan.normType,
        kernelArea: plan.kernelArea,
        inputBase: chunk.inputBase,
        outputBase: chunk.outputBase,
      },
      workgroups: Math.ceil(total / WORKGROUP_SIZE),
    });
  }, { extraOutputs: indices ? [indices] : [] });
}
