// TF.js WebGPU on the kit's own device. TF.js works in NHWC, so it gets the input in NHWC (transposed once,
// untimed) and its outputs are transposed back before they are checked.
import { installWebGPUGlobals } from 'webgpu-layers/node';

export async function loadTfjs(device) {
  installWebGPUGlobals();
  globalThis.navigator ??= {}; // Node 20 has no navigator; TF.js checks navigator.gpu when it is imported
  globalThis.navigator.gpu ??= {};
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // Its kernels are registered for the backend name 'webgpu': replace the factory with one on our device.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, device.adapterInfo));
  await tf.setBackend('webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false); // keep small ops on the GPU
  const backend = tf.backend();

  return {
    tf,
    /** Channels-first data (NCL, NCHW, NCDHW) → a channels-last tf tensor (NLC, NHWC, NDHWC). */
    async input(data, shape) {
      const last = [0, ...shape.slice(2).map((_, i) => i + 2), 1];
      const x = await this.run(() => tf.tidy(() => tf.transpose(tf.tensor(data, shape), last)));
      return x;
    },
    /** Runs `fn` and waits until the GPU has finished it (TF.js batches dispatches: flush them first). */
    async run(fn) {
      const y = fn();
      backend.endComputePassEncoder(); // as TF.js itself does before it submits
      backend.submitQueue();
      await device.queue.onSubmittedWorkDone();
      return y;
    },
    /** The output as channels-first data (rank ≥ 3 transposed back), for the check against the reference. */
    async read(y) {
      const nchw = y.rank >= 3 ? tf.transpose(y, [0, y.rank - 1, ...Array.from({ length: y.rank - 2 }, (_, i) => i + 1)]) : y;
      const data = await nchw.data();
      if (nchw !== y) nchw.dispose();
      return data;
    },
  };
}

/**
 * TF.js for a training step: the @tensorflow/tfjs union package (tfjs-core alone registers no gradients), on the
 * kit's device through the WebGPU backend.
 */
export async function loadTfjsTraining(device) {
  installWebGPUGlobals();
  globalThis.navigator ??= {};
  globalThis.navigator.gpu ??= {};
  const tf = await import('@tensorflow/tfjs');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, device.adapterInfo));
  await tf.setBackend('webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const backend = tf.backend();
  return {
    tf,
    /** Flushes TF.js's batched dispatches and waits until the GPU has finished them. */
    async done() {
      backend.endComputePassEncoder();
      backend.submitQueue();
      await device.queue.onSubmittedWorkDone();
    },
  };
}
