// What every op does around its kernel: check the inputs (live, one device, the right dtype), allocate the outputs
// and record the kernel into them, releasing them again if it cannot run. The returned tensors are usable at once;
// their GPU work is queued.
import { TorchError, WebGPULayersError } from '../core/errors.js';
import { sameAsContiguous, type MemoryFormat } from '../core/memoryFormat.js';
import { sameShape } from '../core/shape.js';
import { Tensor, type DType, type FloatDType } from '../core/tensor.js';
import { launchConvert } from './convert/kernel.js';

import { contextOf } from '../runtime/context.js';

/**
 * Which float dtypes an op takes. 'float32': only float32. 'float16' too: all its float tensors in one of the two
 * (PyTorch's error when they are mixed); a float16 op reads halves and computes in f32, and its float outputs are
 * float16, rounded once: by a conversion after the kernel (`convert`), or by the kernel's own stores (`kernel`).
 */
export type HalfSupport = 'none' | 'convert' | 'kernel';

/** PyTorch's names of the dtypes, as its messages print them. */
export const TORCH_DTYPES: Record<DType, string> = { float32: 'Float', float16: 'Half', int32: 'Int' };

/** PyTorch's words for a float tensor of another dtype than the op's first: its generic scalar-type check by default. */
export type DtypeMismatch = (first: string, other: string) => string;
const scalarTypeMismatch: DtypeMismatch = (first, other) => `expected scalar type ${first} but found ${other}`;

export interface InputChecks {
  /** Index inputs, int32 (max unpooling's indices). */
  indexTensors?: readonly Tensor<DType>[];
  halves?: HalfSupport;
  mismatch?: DtypeMismatch;
  /**
   * 'contiguous' (default): inputs in the logical order only (a channels-last one whose layout differs is an error).
   * 'elementwise': any layout, the others of the first's shape in the first's layout (or contiguous); outputs of the
   * first input's shape keep its memory format. 'any': the kernel reads the
   * first input's layout itself; outputs are contiguous.
   */
  layouts?: 'contiguous' | 'elementwise' | 'any';
}

/** What a value is, as PyTorch's argument errors name it: `Tensor`, `Float32Array`, `list`, `float`, `NoneType`. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return (value as object).constructor?.name ?? typeof value;
}

/**
 * A TypeError in PyTorch's words unless `value` is a Tensor: e.g. a plain or typed array given as CrossEntropyLoss's
 * `weight` gets `cross_entropy(): argument 'weight' must be Tensor, not Float32Array` (before any GPU work).
 */
export function requireTensor(op: string, argument: string, value: unknown): void {
  if (!(value instanceof Tensor)) throw new TypeError(`${op}(): argument '${argument}' must be Tensor, not ${kindOf(value)}`);
}

/**
 * Throws a clear error unless every tensor is live, on the first one's device, and of a dtype the op takes (the
 * index tensors int32). Returns the float tensors' dtype.
 */
export function checkInputs(
  op: string,
  tensors: readonly Tensor[],
  { indexTensors = [], halves = 'none', mismatch = scalarTypeMismatch, layouts = 'contiguous' }: InputChecks = {},
): FloatDType {
  tensors.forEach((t, i) => requireTensor(op, i === 0 ? 'input' : `#${i + 1}`, t));
  const device = tensors[0]!.device;
  const dtype = (tensors[0] as Tensor<DType>).dtype;
  const floatDtype: FloatDType = halves !== 'none' && dtype === 'float16' ? 'float16' : 'float32';
  const check = (t: Tensor<DType>, wanted: DType) => {
    void t.buffer; // throws if disposed
    if (t.dtype !== wanted) {
      if (wanted === 'float16' || (halves !== 'none' && t.dtype === 'float16')) throw new TorchError(mismatch(TORCH_DTYPES[dtype], TORCH_DTYPES[t.dtype]));
      const hint = t.dtype === 'float16' ? "; float16 reaches this op in a later release: convert with tensor.to('float32')" : '';
      throw new WebGPULayersError('invalid-argument', `${op}() takes ${wanted} tensors, but got ${t.dtype === 'int32' ? 'an' : 'a'} ${t.dtype} one${hint}`);
    }
    if (t.device !== device) throw new WebGPULayersError('wrong-device', `${op}() got tensors from different GPUDevices; move them to one device`);
    const laidOutAsFirst = layouts === 'elementwise' && t.memoryFormat === tensors[0]!.memoryFormat && sameShape(t.shape, tensors[0]!.shape);
    if ((layouts === 'contiguous' || t !== tensors[0]) && !laidOutAsFirst && !sameAsContiguous(t.shape, t.memoryFormat)) {
      throw new WebGPULayersError(
        'invalid-argument',
        `${op}() takes tensors in the contiguous memory format, but got a ${t.memoryFormat} one; convert with tensor.contiguous()`,
      );
    }
  };
  for (const t of tensors) check(t, floatDtype);
  for (const t of indexTensors) check(t, 'int32');
  contextOf(device).checkUsable();
  return floatDtype;
}

/** An output of `produceAll`: its shape and element type. */
export interface OutputSpec {
  shape: readonly number[];
  dtype?: DType;
  /** Its layout, when the kernel writes one other than `layouts` gives (a channels-last pool's output). */
  memoryFormat?: MemoryFormat;
}

export interface ProduceOptions extends InputChecks {
  /** The first output's buffer is exactly its bytes (for TF.js). */
  exactOutput?: boolean;
}

/**
 * Checks the inputs (live, one device, their dtypes), allocates the outputs and records `write` into them, or returns
 * them at once when the first has no elements. `write` gets the first input's buffer, the outputs' and the inputs'
 * float dtype (a float16 op runs its kernel's `_f16` variant). Float outputs (no dtype of their own) take the inputs'
 * dtype: with `halves: 'convert'` the kernel writes float32 and one conversion per output rounds it to float16.
 */
export function produceAll(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly OutputSpec[],
  write: (input: GPUBufferBinding, outputs: GPUBufferBinding[], dtype: FloatDType) => Promise<void>,
  options: ProduceOptions = {},
): Tensor<DType>[] {
  const { exactOutput = false, indexTensors = [], halves = 'none', layouts = 'contiguous' } = options;
  const dtype = checkInputs(op, inputs, options);
  const input = inputs[0]!;
  const converted = dtype === 'float16' && halves === 'convert';
  const made: Tensor<DType>[] = [];
  try {
    const formatOf = (shape: readonly number[]) => (layouts === 'elementwise' && sameShape(shape, input.shape) ? input.memoryFormat : 'contiguous');
    outputs.forEach((spec, i) =>
      made.push(
        Tensor.empty(
          input.device,
          spec.shape,
          i === 0 && exactOutput,
          spec.dtype ?? (converted ? 'float32' : dtype),
          spec.memoryFormat ?? formatOf(spec.shape),
        ),
      ),
    );
    if (made[0]!.size > 0) {
      const work = write(
        input.binding,
        made.map((t, i) => (i === 0 && exactOutput ? { buffer: t.buffer } : t.binding)),
        dtype,
      );
      for (const t of made) t.setWrittenBy(work);
    }
  } catch (error) {
    for (const t of made) t.dispose(); // a kernel that cannot run (too large for the device) leaves nothing behind
    throw error;
  }
  // A caller's buffer (Tensor.fromGPUBuffer) must pass its device check before this work is submitted.
  for (const t of [...inputs, ...indexTensors]) {
    const check = t.externalCheck;
    if (check && made[0]!.size > 0) contextOf(t.device).batch.requireBeforeSubmit(check);
  }
  if (!converted) return made;
  return made.map((t, i) => {
    if (outputs[i]!.dtype) return t;
    const half = written(t.device, t.shape, (out) => launchConvert(t.device, true, t.size, t.binding, out), 'float16', t.memoryFormat);
    t.dispose();
    return half;
  });
}

/** `produceAll` with one float output. */
export function produce(
  op: string,
  inputs: readonly Tensor[],
  outputShape: readonly number[],
  write: (input: GPUBufferBinding, output: GPUBufferBinding, dtype: FloatDType) => Promise<void>,
  options: ProduceOptions = {},
): Tensor {
  return produceAll(op, inputs, [{ shape: outputShape }], (input, [output], dtype) => write(input, output!, dtype), options)[0] as Tensor;
}

/**
 * A new tensor of `shape` (and `dtype`) that `write` records into, given its binding; nothing is recorded when it has
 * no elements. For kernels whose inputs are checked already: backward passes, conversions.
 */
export function written<D extends DType = 'float32'>(
  device: GPUDevice,
  shape: readonly number[],
  write: (output: GPUBufferBinding, size: number) => Promise<void>,
  dtype: D = 'float32' as D,
  memoryFormat: MemoryFormat = 'contiguous',
): Tensor<D> {
  const out = Tensor.empty(device, shape, false, dtype, memoryFormat);
  if (out.size > 0) out.setWrittenBy(write(out.binding, out.size));
  return out;
}

/** Runs `op` on `x` padded to 16 bytes (kernels that read vec4s), releasing a padded copy once it is recorded. */
export function withPadded(x: Tensor, op: (padded: Tensor) => Tensor): Tensor {
  const padded = x.padded();
  try {
    return op(padded);
  } finally {
    if (padded !== x) padded.dispose();
  }
}
