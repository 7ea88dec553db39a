// The base of every layer, mirroring torch.nn.Module: created without a device, `forward` returns a Tensor
// at once with its GPU work queued, `dispose()` releases what the module holds on the GPU.
import type { Tensor } from '../tensor.js';

export abstract class Module {
  #disposed = false;

  /** Runs the layer. Bad input shapes throw synchronously, with PyTorch's message, before any GPU work. */
  forward(input: Tensor): Tensor {
    if (this.#disposed) throw new Error(`webgpu-layers: this ${this.constructor.name} was disposed and cannot be used`);
    return this.run(input);
  }

  protected abstract run(input: Tensor): Tensor;

  /** Releases the module's GPU buffers; a disposed module refuses `forward`. */
  dispose(): void {
    this.#disposed = true;
  }
}
