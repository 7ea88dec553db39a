// Reads test/fixtures/pooling.json (test/fixtures/generate_pooling.py, real PyTorch): one schema for the whole
// pooling family. Runs each case through the kit's public API: F on the GPU, the nn modules on the CPU reference.
import pooling from '../fixtures/pooling.json';
import { F, nn, Tensor, type reference } from '../../src/index.js';
import { decode, type Encoded, fixtureInput } from './fixtures.js';

type Args = Record<string, unknown>;

export interface PoolingFixture {
  op: string;
  name?: string;
  input: number[];
  inputData?: Encoded[];
  args: Args;
  shape?: number[];
  data?: Encoded[];
  indices?: number[];
  indicesData?: number[];
  indicesShape?: number[];
  indicesDtype?: string;
  error?: { type: string; message: string };
}

export const poolingFixtures = pooling as unknown as { torch: string; cases: PoolingFixture[] };

export function poolingInput(fixture: PoolingFixture): Float32Array {
  return fixture.inputData ? decode(fixture.inputData) : fixtureInput(fixture.input);
}

export function poolingExpected(fixture: PoolingFixture): Float32Array {
  return decode(fixture.data!);
}

export function describePooling(fixture: PoolingFixture): string {
  return fixture.name ?? `${fixture.op} [${fixture.input}] ${JSON.stringify(fixture.args)}`;
}

/**
 * PyTorch's message as the kit words it: 1.13's pad check reads "... half of kernel size, but got pad=2 and
 * kernel_size=3"; today's (the kit's) "... half of effective kernel size, but got pad=2, kernel_size=3 and
 * dilation=1". The fixtures' dilations are uniform, so the case's dilation is the one PyTorch reports.
 */
export function poolingMessage(fixture: PoolingFixture): string {
  const dilation = fixture.args.dilation;
  const d = typeof dilation === 'number' ? dilation : 1;
  return fixture.error!.message.replace(
    /^pad should be at most half of kernel size, but got pad=(-?\d+) and kernel_size=(-?\d+)$/,
    `pad should be at most half of effective kernel size, but got pad=$1, kernel_size=$2 and dilation=${d}`,
  );
}

const rankOf = (op: string) => Number(/(\d)d$/.exec(op)![1]);
const normOf = (v: unknown) => (typeof v === 'number' ? v : Number(v));

function indicesOf(fixture: PoolingFixture, device: GPUDevice): Tensor<'int32'> | Tensor {
  const shape = fixture.indicesShape!;
  return fixture.indicesDtype === 'int64'
    ? Tensor.fromArray(device, Int32Array.from(fixture.indicesData!), shape)
    : Tensor.fromArray(device, Float32Array.from(fixture.indicesData!), shape);
}

/** The op on the GPU through F: a tensor, or [values, indices]. */
export function runPoolingGpu(fixture: PoolingFixture, x: Tensor): Tensor | [Tensor, Tensor<'int32'>] {
  const a = fixture.args as Record<string, any>;
  const op = fixture.op;
  const rank = rankOf(op);
  if (op.startsWith('max_pool')) {
    const options = { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode, returnIndices: a.returnIndices };
    return [F.maxPool1d, F.maxPool2d, F.maxPool3d][rank - 1]!(x, a.kernelSize, options) as Tensor | [Tensor, Tensor<'int32'>];
  }
  if (op === 'avg_pool1d')
    return F.avgPool1d(x, a.kernelSize, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad });
  if (op === 'avg_pool2d' || op === 'avg_pool3d') {
    return (op === 'avg_pool2d' ? F.avgPool2d : F.avgPool3d)(x, a.kernelSize, {
      stride: a.stride,
      padding: a.padding,
      ceilMode: a.ceilMode,
      countIncludePad: a.countIncludePad,
      divisorOverride: a.divisorOverride,
    });
  }
  if (op.startsWith('lp_pool')) return [F.lpPool1d, F.lpPool2d][rank - 1]!(x, normOf(a.normType), a.kernelSize, { stride: a.stride, ceilMode: a.ceilMode });
  if (op.startsWith('adaptive_avg')) return [F.adaptiveAvgPool1d, F.adaptiveAvgPool2d, F.adaptiveAvgPool3d][rank - 1]!(x, a.outputSize);
  if (op.startsWith('adaptive_max')) {
    return [F.adaptiveMaxPool1d, F.adaptiveMaxPool2d, F.adaptiveMaxPool3d][rank - 1]!(x, a.outputSize, { returnIndices: a.returnIndices }) as
      | Tensor
      | [Tensor, Tensor<'int32'>];
  }
  if (op.startsWith('max_unpool')) {
    const indices = indicesOf(fixture, x.device);
    try {
      return [F.maxUnpool1d, F.maxUnpool2d, F.maxUnpool3d][rank - 1]!(x, indices, a.kernelSize, {
        stride: a.stride,
        padding: a.padding,
        outputSize: a.outputSize,
      });
    } finally {
      indices.dispose();
    }
  }
  throw new Error(`no runner for ${op}`);
}

type CpuResult = reference.TensorData | [reference.TensorData, reference.IndexData];

/** The op on the CPU reference through its nn module (constructed here: argument types are checked there). */
export function runPoolingCpu(fixture: PoolingFixture): CpuResult {
  const a = fixture.args as Record<string, any>;
  const op = fixture.op;
  const rank = rankOf(op);
  const x = { data: poolingInput(fixture), shape: fixture.input };
  if (op.startsWith('max_pool')) {
    const Module = [nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d][rank - 1]!;
    const options = { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode, returnIndices: a.returnIndices as boolean };
    return new Module(a.kernelSize, options).forwardCpu(x) as CpuResult;
  }
  if (op === 'avg_pool1d')
    return new nn.AvgPool1d(a.kernelSize, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad }).forwardCpu(x);
  if (op === 'avg_pool2d' || op === 'avg_pool3d') {
    return new (op === 'avg_pool2d' ? nn.AvgPool2d : nn.AvgPool3d)(a.kernelSize, {
      stride: a.stride,
      padding: a.padding,
      ceilMode: a.ceilMode,
      countIncludePad: a.countIncludePad,
      divisorOverride: a.divisorOverride,
    }).forwardCpu(x);
  }
  if (op.startsWith('lp_pool')) {
    const Module = [nn.LPPool1d, nn.LPPool2d][rank - 1]!;
    return new Module(normOf(a.normType), a.kernelSize, { stride: a.stride, ceilMode: a.ceilMode }).forwardCpu(x);
  }
  if (op === 'adaptive_avg_pool1d') return new nn.AdaptiveAvgPool1d(a.outputSize).forwardCpu(x);
  if (op === 'adaptive_avg_pool2d') return new nn.AdaptiveAvgPool2d(a.outputSize).forwardCpu(x);
  if (op === 'adaptive_avg_pool3d') return new nn.AdaptiveAvgPool3d(a.outputSize).forwardCpu(x);
  if (op.startsWith('adaptive_max')) {
    const Module = [nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d][rank - 1]!;
    return new Module(a.outputSize, { returnIndices: a.returnIndices as boolean }).forwardCpu(x) as CpuResult;
  }
  if (op.startsWith('max_unpool')) {
    const Module = [nn.MaxUnpool1d, nn.MaxUnpool2d, nn.MaxUnpool3d][rank - 1]!;
    const indices =
      fixture.indicesDtype === 'int64'
        ? { data: Int32Array.from(fixture.indicesData!), shape: fixture.indicesShape! }
        : { data: Float32Array.from(fixture.indicesData!), shape: fixture.indicesShape! };
    return new Module(a.kernelSize, { stride: a.stride, padding: a.padding }).forwardCpu(x, indices, a.outputSize);
  }
  throw new Error(`no runner for ${op}`);
}
