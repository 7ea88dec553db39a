// ONNX Runtime Web's WebGPU execution provider, handed the kit's own device (NCHW). Inputs are bound from our
// GPU buffer and outputs stay on the GPU, so only the model's own work is timed.
import { installWebGPUGlobals } from 'webgpu-layers/node';

/** Dawn's writeBuffer rejects views of a SharedArrayBuffer (ORT's wasm heap is one): give it a plain copy. */
function copySharedWrites(device) {
  const queue = device.queue;
  const writeBuffer = queue.writeBuffer.bind(queue);
  queue.writeBuffer = (buffer, offset, data, dataOffset, size) => {
    const isView = ArrayBuffer.isView(data);
    if ((isView ? data.buffer : data) instanceof SharedArrayBuffer) data = isView ? data.slice() : new Uint8Array(data).slice();
    return writeBuffer(buffer, offset, data, dataOffset, size);
  };
}

export async function loadOrtWeb(device) {
  installWebGPUGlobals();
  copySharedWrites(device);
  // ORT asks navigator.gpu for an adapter even when given a device: answer with one that hands back ours.
  const adapter = { features: device.features, limits: device.limits, info: device.adapterInfo, requestDevice: async () => device };
  globalThis.navigator ??= {};
  globalThis.navigator.gpu = { requestAdapter: async () => adapter, getPreferredCanvasFormat: () => 'rgba8unorm', wgslLanguageFeatures: new Set() };
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';

  return {
    ort,
    async session(model) {
      return ort.InferenceSession.create(model, {
        executionProviders: [{ name: 'webgpu', device, preferredLayout: 'NCHW' }],
        preferredOutputLocation: 'gpu-buffer',
      });
    },
    input(tensor) {
      return ort.Tensor.fromGpuBuffer(tensor.buffer, { dataType: 'float32', dims: [...tensor.shape] });
    },
    async run(session, feeds) {
      const outputs = await session.run(feeds);
      await device.queue.onSubmittedWorkDone();
      return outputs.y;
    },
    async read(y) {
      return y.getData();
    },
  };
}
