// nn.Parameter: a learnable tensor's CPU data (PyTorch's layout, what state dicts hold) and its copy on the device
// it was first used on; after an optimizer's step the device copy is the truth until read back.
import { accumulateInto } from '../autograd/engine.js';
import { packHalves, unpackHalves } from '../core/half.js';
import { WebGPULayersError } from '../core/errors.js';
import { bytesOf, Tensor, type FloatDType } from '../core/tensor.js';
import { permute4d } from '../ops/permute/functional.js';
import { invalidateCaptures } from '../runtime/captureGeneration.js';
import { contextOf } from '../runtime/context.js';

/** How a parameter is laid out on the device: as on the CPU, or (a matrix) transposed. */
export type DeviceLayout = 'same' | 'transposed';

/** A row-major [rows, cols] matrix transposed: [cols, rows] (nn.Linear's device layout and back). */
export function transpose2d(data: Float32Array, [rows, cols]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows!; r++) for (let c = 0; c < cols!; c++) out[c * rows! + r] = data[r * cols! + c]!;
  return out;
}

/**
 * A learnable tensor: CPU data (PyTorch's layout, what state dicts hold) plus its copy on the device it was first
 * used on. In training, the device copy is the truth: an optimizer updates it in place, and
 * `module.readStateDict()` brings it back.
 */
export class Parameter {
  readonly shape: readonly number[];
  readonly deviceLayout: DeviceLayout;
  /** Whether backward computes this parameter's gradient (PyTorch's requires_grad; false freezes it). */
  requiresGrad = true;
  #data: Float32Array;
  #onDevice: Tensor | null = null;
  /** The gradient in the device layout (what optimizers read), and PyTorch's layout of it when they differ. */
  #grad: Tensor | null = null;
  #gradView: Tensor | null = null;
  /** An optimizer changed the device copy since the CPU data was last read back. */
  #deviceAhead = false;
  #dtype: FloatDType = 'float32';

  constructor(shape: readonly number[], data: Float32Array, deviceLayout: DeviceLayout = 'same') {
    this.shape = Object.freeze([...shape]);
    this.#data = data;
    this.deviceLayout = deviceLayout;
  }

  #upload(device: GPUDevice): Tensor {
    invalidateCaptures(); // captured forwards bind the previous copy
    const options = { dtype: this.#dtype };
    if (this.deviceLayout === 'same') return Tensor.fromArray(device, this.#data, this.shape, options) as Tensor;
    return Tensor.fromArray(device, transpose2d(this.#data, this.shape), [...this.shape].reverse(), options) as Tensor;
  }

  /** 'float32', or 'float16' after `module.to('float16')`: the device copy holds halves, `data` their exact values. */
  get dtype(): FloatDType {
    return this.#dtype;
  }

  /**
   * @internal Converts the parameter (module.to): its values rounded to halves as torch's `.half()` does, or kept (to
   * float32: halves are exact in float32); the device copy is uploaded again on next use, the gradient dropped.
   */
  to(dtype: FloatDType): void {
    if (dtype === this.#dtype) return;
    const values = this.data; // throws while an optimizer's update waits to be read back
    this.#dtype = dtype;
    this.data = values;
    this.zeroGrad();
  }

  /** The values in PyTorch's layout (a copy of them is what stateDict holds); setting them refreshes the device copy on next use. */
  get data(): Float32Array {
    if (this.#deviceAhead) {
      throw new WebGPULayersError(
        'invalid-state',
        'this parameter was updated on the GPU by an optimizer; read it back first with `await module.readStateDict()`',
      );
    }
    return this.#data;
  }

  /** @internal Backward's gradient for this parameter, in its device layout (the engine hands it over). */
  accumulateGrad(grad: Tensor): void {
    this.#gradView?.dispose();
    this.#gradView = null;
    this.#grad = accumulateInto(this.#grad, grad, this.#onDevice?.shape ?? grad.shape);
  }

  /** The accumulated gradient in PyTorch's layout and shape (PyTorch's `.grad`), or null. Owned by the parameter. */
  get grad(): Tensor | null {
    if (!this.#grad || this.deviceLayout === 'same') return this.#grad;
    const [rows, cols] = this.#grad.shape as [number, number];
    if (!this.#gradView) {
      const square = this.#grad.reshape([1, 1, rows, cols]);
      const swapped = permute4d(square, [0, 1, 3, 2]);
      square.dispose();
      this.#gradView = swapped.reshape([cols, rows]);
      swapped.dispose();
    }
    return this.#gradView;
  }

  /** @internal The gradient in the device layout (optimizers update the device copy with it). */
  get deviceGrad(): Tensor | null {
    return this.#grad;
  }

  /** Drops the gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    this.#grad?.dispose();
    this.#gradView?.dispose();
    this.#grad = null;
    this.#gradView = null;
  }

  /** @internal The device copy, for optimizers, which update it in place (then `data` waits for a read-back). */
  deviceTensor(): Tensor | null {
    return this.#onDevice;
  }

  /** @internal Marks the device copy as changed by an optimizer. */
  markUpdatedOnDevice(): void {
    this.#deviceAhead = true;
  }

  /** @internal Reads the device copy back into `data` (PyTorch's layout). */
  async readBack(): Promise<void> {
    if (!this.#onDevice) return;
    const values = await this.#onDevice.toArray();
    this.#data = this.deviceLayout === 'same' ? values : transpose2d(values, [...this.shape].reverse());
    this.#deviceAhead = false;
  }

  // Replaces the values; the device copy is refreshed on next use (queued work keeps the old values).
  set data(values: Float32Array) {
    this.#data = this.#dtype === 'float16' ? unpackHalves(packHalves(values), values.length) : values;
    this.#deviceAhead = false;
    if (this.#onDevice) {
      const device = this.#onDevice.device;
      this.#onDevice.dispose();
      this.#onDevice = this.#upload(device);
    }
  }

  /**
   * The parameter on `device` in its device layout, uploaded on first use; it stays on that one device, unless
   * that device was lost: then it moves to the new one (a page that replaced a lost device keeps its modules).
   */
  on(device: GPUDevice, owner: string): Tensor {
    if (this.#onDevice && this.#onDevice.device !== device && contextOf(this.#onDevice.device).lostReason) {
      this.#onDevice.dispose();
      this.#onDevice = null;
    }
    if (!this.#onDevice) {
      // Kernels bind a parameter whole: one over a binding is an error before anything is uploaded.
      const { maxStorageBufferBindingSize } = contextOf(device).limits;
      const bytes = bytesOf(this.#dtype, this.#data.length);
      if (bytes > maxStorageBufferBindingSize) {
        throw new WebGPULayersError(
          'too-large',
          `this ${owner}'s parameter of shape [${this.shape.join(', ')}] would bind ${bytes} bytes, more than this device's maxStorageBufferBindingSize (${maxStorageBufferBindingSize} bytes); parameters are not split`,
        );
      }
      this.#onDevice = this.#upload(device);
      this.#onDevice.gradSink = this;
    } else if (this.#onDevice.device !== device) {
      throw new WebGPULayersError('wrong-device', `this ${owner}'s parameters live on the GPUDevice of its first input; the input is on another device`);
    }
    this.#onDevice.requiresGrad = this.requiresGrad; // PyTorch's rule: grad mode and requires_grad decide, not train/eval
    return this.#onDevice;
  }

  dispose(): void {
    this.zeroGrad();
    if (this.#onDevice) invalidateCaptures();
    this.#onDevice?.dispose();
    this.#onDevice = null;
  }
}

/**
 * A module's state that is not learned (PyTorch's buffers, e.g. BatchNorm's running statistics): in the state dict
 * beside the parameters, on the device with them, updated there by the ops (read back with `readStateDict`); never
 * in `parameters()`, never given a gradient.
 */
export class Buffer extends Parameter {
  constructor(shape: readonly number[], data: Float32Array) {
    super(shape, data);
    this.requiresGrad = false;
  }
}

/**
 * An int64 scalar buffer kept on the CPU (BatchNorm's `num_batches_tracked`): a count the module advances itself.
 * In state dicts as `{ data: [value], shape: [], dtype: 'int64' }` (saveSafetensors writes I64, as PyTorch does).
 */
export class CountBuffer {
  readonly shape: readonly number[] = Object.freeze([]);
  readonly dtype = 'int64' as const;
  value = 0;

  get data(): Float32Array {
    return Float32Array.of(this.value);
  }

  set data(values: Float32Array) {
    this.value = Math.round(values[0] ?? 0);
  }

  /** Kept on the CPU: nothing to read back. */
  async readBack(): Promise<void> {}

  dispose(): void {}
}

/** A module buffer: a float tensor on the device, or a CPU count. */
export type ModuleBuffer = Buffer | CountBuffer;
