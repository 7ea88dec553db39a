// What every op does around its kernel: check the inputs (live, one device, the right dtype), allocate the outputs
// and record the kernel into them, releasing them again if it cannot run. The returned tensors are usable at once;
// their GPU work is queued.
import { WebGPULayersError } from '../core/errors.js';
import { Tensor, type DType } from '../core/tensor.js';
import { contextOf } from '../runtime/context.js';

/**
 * Throws a clear error unless every tensor is live, on the first one's device, and float32 (`indexTensors`:
 * int32, e.g. max unpooling's indices).
 */
export function checkInputs(op: string, tensors: readonly Tensor[], indexTensors: readonly Tensor<DType>[] = [], halfFirst = false): void {
  const device = tensors[0]!.device;
  const check = (t: Tensor<DType>, wanted: DType) => {
    void t.buffer; // throws if disposed
    if (t.dtype !== wanted && !(halfFirst && t === tensors[0] && t.dtype === 'float16')) {
      const hint = t.dtype === 'float16' ? "; float16 reaches this op in a later release: convert with tensor.to('float32')" : '';
      throw new WebGPULayersError('invalid-argument', `${op}() takes ${wanted} tensors, but got ${t.dtype === 'int32' ? 'an' : 'a'} ${t.dtype} one${hint}`);
    }
    if (t.device !== device) throw new WebGPULayersError('wrong-device', `${op}() got tensors from different GPUDevices; move them to one device`);
  };
  for (const t of tensors) check(t, 'float32');
  for (const t of indexTensors) check(t, 'int32');
  contextOf(device).checkUsable();
}

/** An output of `produceAll`: its shape and element type. */
export interface OutputSpec {
  shape: readonly number[];
  dtype?: DType;
}

/**
 * Checks the inputs (live, one device), allocates the outputs and records `write` into them, or returns them at
 * once when the first has no elements. `write` gets the first input's buffer and the outputs'. `exactOutput`: the
 * first output's buffer is exactly its bytes (for TF.js).
 */
export function produceAll(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly OutputSpec[],
  write: (input: GPUBufferBinding, outputs: GPUBufferBinding[]) => Promise<void>,
  { exactOutput = false, indexInputs = [] as readonly Tensor<DType>[], halfInput = false } = {},
): Tensor<DType>[] {
  checkInputs(op, inputs, indexInputs, halfInput);
  const input = inputs[0]!;
  const made: Tensor<DType>[] = [];
  try {
    outputs.forEach(({ shape, dtype = 'float32' }, i) => made.push(Tensor.empty(input.device, shape, i === 0 && exactOutput, dtype)));
    if (made[0]!.size > 0) {
      const work = write(
        input.binding,
        made.map((t, i) => (i === 0 && exactOutput ? { buffer: t.buffer } : t.binding)),
      );
      for (const t of made) t.setWrittenBy(work);
    }
  } catch (error) {
    for (const t of made) t.dispose(); // a kernel that cannot run (too large for the device) leaves nothing behind
    throw error;
  }
  // A caller's buffer (Tensor.fromGPUBuffer) must pass its device check before this work is submitted.
  for (const t of [...inputs, ...indexInputs]) {
    const check = t.externalCheck;
    if (check && made[0]!.size > 0) contextOf(t.device).batch.requireBeforeSubmit(check);
  }
  return made;
}

/** `produceAll` with one float32 output. */
export function produce(
  op: string,
  inputs: readonly Tensor[],
  outputShape: readonly number[],
  write: (input: GPUBufferBinding, output: GPUBufferBinding) => Promise<void>,
  exactOutput = false,
): Tensor {
  return produceAll(op, inputs, [{ shape: outputShape }], (input, [output]) => write(input, output!), { exactOutput })[0] as Tensor;
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
): Tensor<D> {
  const out = Tensor.empty(device, shape, false, dtype);
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
