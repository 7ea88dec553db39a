// F.conv2d (torch's F.conv2d) and the planned op nn.Conv2d runs: plan (PyTorch's checks, before any GPU work), then
// the register-tiled kernel; recorded as PyTorch's ConvolutionBackward0 (input gradient as a gather, folded back through the
// padding mode; weight and bias gradients as per-element sums). Unbatched (C, H, W) input runs as a batch of one;
// channels-last input runs in the logical order and its output is laid out channels last again, as PyTorch's.
import { record } from '../../autograd/graph.js';
import { sameAsContiguous } from '../../core/memoryFormat.js';
import type { Tensor } from '../../core/tensor.js';
import { produce, written } from '../produce.js';
import { launchConv2d, launchConv2dBiasGrad, launchConv2dInputGrad, launchConv2dWeightGrad, launchPadFold, paddedShape } from './kernels.js';
import { type Conv2dOptions, type Conv2dPlan, planConv2d, resolveConv2dArgs } from './plan.js';

/** The backward of a planned conv2d on (N, C, H, W): the gradients the engine asks for. */
function conv2dBackward(plan: Conv2dPlan, grad: Tensor, x: Tensor, weight: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const device = grad.device;
  let input: Tensor | null = null;
  if (needs[0]) {
    if (plan.mode === 'zeros') {
      input = written(device, x.shape, (out) => launchConv2dInputGrad(device, plan, grad.binding, weight.binding, out, false));
    } else {
      const padded = written(device, paddedShape(plan), (out) => launchConv2dInputGrad(device, plan, grad.binding, weight.binding, out, true));
      input = written(device, x.shape, (out) => launchPadFold(device, plan, padded.binding, out));
      padded.dispose();
    }
  }
  return [
    input,
    needs[1] ? written(device, weight.shape, (out) => launchConv2dWeightGrad(device, plan, grad.binding, x.binding, out)) : null,
    needs[2] ? written(device, [plan.outChannels], (out) => launchConv2dBiasGrad(device, plan, grad.binding, out)) : null,
  ];
}

/** conv2d on a 4-D contiguous input with a checked plan. */
function conv2dBatched(x: Tensor, weight: Tensor, bias: Tensor | null, plan: Conv2dPlan): Tensor {
  const outputShape = [plan.batch, plan.outChannels, plan.outH, plan.outW];
  const y = produce(
    'conv2d',
    bias ? [x, weight, bias] : [x, weight],
    outputShape,
    (input, output, dtype) => launchConv2d(x.device, plan, input, weight.binding, bias?.binding ?? null, output, dtype === 'float16'),
    { halves: 'convert' },
  );
  return record('ConvolutionBackward0', [x, weight, bias], y, [x, weight], (grad, needs, [savedX, savedWeight]) =>
    conv2dBackward(plan, grad, savedX!, savedWeight!, needs),
  );
}

/** @internal Conv2d with a checked plan (nn.Conv2d plans once per input shape): any layout, batched or not. */
export function conv2dPlanned(x: Tensor, weight: Tensor, bias: Tensor | null, plan: Conv2dPlan): Tensor {
  const channelsLast = !sameAsContiguous(x.shape, x.memoryFormat);
  const logical = channelsLast ? x.contiguous() : x;
  const batched = plan.unbatched ? logical.reshape([1, ...logical.shape]) : logical;
  try {
    const y = conv2dBatched(batched, weight, bias, plan);
    if (!plan.unbatched && !channelsLast) return y;
    const shaped = plan.unbatched ? y.reshape(plan.outputShape) : y;
    if (shaped !== y) y.dispose();
    if (!channelsLast || plan.unbatched) return shaped;
    const laidOut = shaped.contiguous('channelsLast'); // PyTorch keeps channels_last through conv2d
    shaped.dispose();
    return laidOut;
  } finally {
    if (batched !== logical) batched.dispose();
    if (logical !== x) logical.dispose();
  }
}

/**
 * PyTorch's `F.conv2d(input, weight, bias, stride, padding, dilation, groups)`: input (N, C, H, W) or (C, H, W),
 * weight (outC, C/groups, kH, kW), bias (outC) or null → (N, outC, oH, oW). Zero padding (nn.Conv2d has the others).
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const plan = planConv2d(x.shape, weight.shape, bias?.shape ?? null, resolveConv2dArgs(options));
  return conv2dPlanned(x, weight, bias, plan);
}
