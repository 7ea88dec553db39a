// PyTorch's words for every pooling input it rejects (shared/REFERENCE.md; tests compare them as exact strings),
// and the kit's own pooling errors. Every pooling message is built here and only here.
import { formatSizes } from '../../core/errors.js';

export const poolingMessages = {
  /** A size argument that is neither an int nor a list of ints (`what`: "a pair of ints" for AvgPool2d). */
  notIntOrList: (op: string, name: string, value: unknown, what: string) => `${op}(): argument '${name}' must be ${what}, but got ${String(value)}`,
  notAList: (op: string, name: string, value: unknown) => `${op}(): argument '${name}' must be an int or a list, but got ${String(value)}`,
  normTypeNotNumber: (op: string, value: unknown) => `${op}(): norm_type must be a number, but got ${String(value)}`,
  unpoolArgumentLengths: (rank: number) => `max_unpool${rank}d(): kernel_size, stride and padding must have the same length`,
  tupleIndexOutOfRange: () => 'tuple index out of range',
  strideZero: () => 'stride should not be zero',
  padNegative: (pad: number) => `pad must be non-negative, but got pad: ${pad}`,
  padTooLarge: (pad: number, kernelSize: number, dilation = 1) =>
    `pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernelSize} and dilation=${dilation}`,
  padOverHalfKernel2d: (padW: number, padH: number, kW: number, kH: number) =>
    `pad should be smaller than or equal to half of kernel size, but got padW = ${padW}, padH = ${padH}, kW = ${kW}, kH = ${kH}`,
  padOverHalfKernel3d: ([kT, kH, kW]: readonly number[], [pT, pH, pW]: readonly number[]) =>
    `pad should be smaller than or equal to half of kernel size, but got kT: ${kT} kW: ${kW} kH: ${kH} padT: ${pT} padW: ${pW} padH: ${pH}`,
  kernelNotPositive: (kH: number, kW: number) => `kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`,
  kernelNotPositive3d: ([kT, kH, kW]: readonly number[]) => `kernel size should be greater than zero, but got kT: ${kT} kH: ${kH} kW: ${kW}`,
  strideNotPositive: (sH: number, sW: number) => `stride should be greater than zero, but got dH: ${sH} dW: ${sW}`,
  strideNotPositive3d: ([dT, dH, dW]: readonly number[]) => `stride should be greater than zero, but got dT: ${dT} dH: ${dH} dW: ${dW}`,
  dilationNotPositive2d: (dH: number, dW: number) => `dilation should be greater than zero, but got dilationH: ${dH} dilationW: ${dW}`,
  dilationNotPositive3d: ([dT, dH, dW]: readonly number[]) =>
    `dilation should be greater than zero, but got dilationT: ${dT} dilationH: ${dH} dilationW: ${dW}`,
  divisorZero: () => 'divisor must be not zero',
  outputTooSmall: (planes: number, inH: number, inW: number, outH: number, outW: number) =>
    `Given input size: (${planes}x${inH}x${inW}). Calculated output size: (${planes}x${outH}x${outW}). Output size is too small`,
  outputTooSmall3d: (planes: number, [iT, iH, iW]: readonly number[], [oT, oH, oW]: readonly number[]) =>
    `Given input size: (${planes}x${iT}x${iH}x${iW}). Calculated output size: (${planes}x${oT}x${oH}x${oW}). Output size is too small`,
  avgPoolInputRank: (shape: readonly number[]) =>
    `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${formatSizes(shape)}`,
  /** max_pool2d / max_pool3d / avg_pool2d / avg_pool3d: a size argument of the wrong length (`what`: PyTorch's words). */
  poolArgumentLength: (op: string, name: string, what: string) => `${op}: ${name} ${what}`,
  poolInputRank: (low: number) => `non-empty ${low}D or ${low + 1}D (batch mode) tensor expected for input`,
  pool3dEmptyDim: (fn: string, shape: readonly number[]) =>
    `${fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${formatSizes(shape)} and non-batch dimension 0 has length zero!`,
  pool3dInputSmallerThanKernel: ([iT, iH, iW]: readonly number[], [kT, kH, kW]: readonly number[]) =>
    `input image (T: ${iT} H: ${iH} W: ${iW}) smaller than kernel size (kT: ${kT} kH: ${kH} kW: ${kW})`,
  dimRange: (op: string, rank: number, low: number, high: number) =>
    `Expected ${low} to ${high} dimensions, but got ${rank}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`,
  oneInt: (op: string, name: string, got: number) => `${op}() argument '${name}' should contain one int (got ${got})`,
  maxPool1dInput: (shape: readonly number[]) =>
    `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${formatSizes(shape)}`,
  /** max_pool1d's own argument checks (MaxPooling.cpp), each with its words. */
  maxPool1d: {
    kernelSizeLength: (got: number) => `max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ${got}`,
    strideLength: (got: number) => `max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${got}`,
    paddingLength: (got: number) => `max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size ${got}`,
    dilationLength: (got: number) => `max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got size ${got}`,
    kernelSize: (k: number) => `max_pool1d() kernel_size must be greater than zero, but got ${k}`,
    stride: (s: number) => `max_pool1d() stride must be greater than zero, but got ${s}`,
    padding: (p: number) => `max_pool1d() padding must be non-negative, but got ${p}`,
    paddingOverHalf: (p: number, k: number) => `max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`,
    dilation: (d: number) => `max_pool1d() dilation must be greater than zero, but got ${d}`,
    outputSize: (out: number) => `max_pool1d() Invalid computed output size: ${out}`,
  },
  adaptiveOutputSizeLength: (op: string, rank: number) => `${op}: output_size must be ${rank}`,
  adaptiveMaxOutputSizeLength: (op: string, rank: number) => `${op}(): internal error: output_size.size() must be ${rank}`,
  adaptiveRank: (op: string, low: number, shape: readonly number[], colon: boolean) =>
    `${op}(): Expected ${low}D or ${low + 1}D tensor, but got${colon ? ':' : ''} ${formatSizes(shape)}`,
  adaptiveEmptyDimOf: (op: string, shape: readonly number[], dim: number) =>
    `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatSizes(shape)} with dimension ${dim} being empty`,
  /** `{-1, 3}` for two dims; three dims print as PyTorch 1.13 does, `{a, b,c}`. */
  adaptiveNegative: (sizes: readonly number[]) =>
    `adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${sizes.length === 3 ? `${sizes[0]}, ${sizes[1]},${sizes[2]}` : sizes.join(', ')}}`,
  adaptiveInputTooSmall: (needed: number) => `Input dimension should be at least ${needed}`,
  floatDivisionByZero: () => 'float division by zero',
  unpoolIndexDtype: (rank: number, got: string) => `elements in indices should be type int64${rank === 3 ? '' : ` but got: ${got}`}`,
  unpoolInputRank: (rank: number, ndim: number) =>
    `Input to max_unpooling${rank}d should be a ${rank + 1}d or ${rank + 2}d Tensor, but got a tensor with ${ndim} dimensions.`,
  unpoolIndicesShape: (input: readonly number[], indices: readonly number[]) =>
    `Expected shape of indices to be same as that of the input tensor (${formatSizes(input)}) but got indices tensor with shape: ${formatSizes(indices)}`,
  unpoolEmptyDim: (rank: number, shape: readonly number[], dim: number) =>
    `max_unpooling${rank}d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got ${formatSizes(shape)} with dimension ${dim} being empty.`,
  unpoolStrideNotPositive: (stride: readonly number[]) => `strides should be greater than zero, but got stride: ${formatSizes(stride)}`,
  unpoolOutputSizeLength: (rank: number, got: number) =>
    `output_size should be a sequence containing ${rank} or ${rank + 2} elements, but it has a length of '${got}'`,
  unpoolOutputSizeRange: (outputSize: readonly number[], dim: number, min: number, max: number) =>
    `invalid output_size "${formatSizes(outputSize)}" (dim ${dim} must be between ${min} and ${max})`,
  invalidMaxIndex: (index: number, sizes: readonly number[]) => `Found an invalid max index: ${index} (output volumes are of size ${sizes.join('x')}`,
  // The kit's own limits (WebGPULayersError 'too-large').
  indicesTooLarge: (op: string, volume: number) => `${op}(): an input plane of ${volume} elements is too large for int32 indices (at most 2³¹ − 1)`,
  windowsTooLarge: (op: string, input: string, output: string) => `${op} from ${input} to ${output} is too large for the kernel's 32-bit window arithmetic`,
  unpoolTooLarge: (inTotal: number, outTotal: number) => `max_unpool of ${inTotal} into ${outTotal} elements does not fit one storage binding of this device`,
};
