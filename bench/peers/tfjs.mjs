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
    /** NCHW data → an NHWC tf tensor. */
    async input(data, shape) {
      const x = await this.run(() => tf.tidy(() => tf.transpose(tf.tensor(data, shape), [0, 2, 3, 1])));
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
    /** The output as NCHW data, for the check against the reference. */
    async read(y) {
      const nchw = y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y;
      const data = await nchw.data();
      if (nchw !== y) nchw.dispose();
      return data;
    },
  };
}
