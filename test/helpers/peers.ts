// TF.js WebGPU and ONNX Runtime Web in Node, on the kit's own device (as bench/peers/*.mjs set them up), for the
// hand-off tests.
import { installWebGPUGlobals } from '../../src/node.js';

type Navigator = { gpu?: unknown };
const globalNavigator = () => ((globalThis as { navigator?: Navigator }).navigator ??= {} as Navigator);

/** TF.js with its WebGPU backend registered on `device`. */
export async function tfjsOn(device: GPUDevice) {
  installWebGPUGlobals();
  globalNavigator().gpu ??= {}; // TF.js checks navigator.gpu when it is imported
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, device.adapterInfo));
  await tf.setBackend('webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  return tf;
}

/** onnxruntime-web's WebGPU build, answering its adapter request with `device`. */
export async function ortOn(device: GPUDevice) {
  installWebGPUGlobals();
  // Dawn's writeBuffer rejects views of a SharedArrayBuffer (ORT's wasm heap): give it a plain copy.
  const queue = device.queue as GPUQueue & { patched?: boolean };
  if (!queue.patched) {
    const writeBuffer = queue.writeBuffer.bind(queue);
    queue.writeBuffer = ((buffer: GPUBuffer, offset: number, data: BufferSource, dataOffset?: number, size?: number) => {
      const view = ArrayBuffer.isView(data);
      const shared = (view ? data.buffer : data) instanceof SharedArrayBuffer;
      // A copy of the same type, so dataOffset and size keep their units.
      const source = shared ? (view ? (data as Uint8Array).slice() : new Uint8Array(data as ArrayBuffer).slice()) : data;
      return writeBuffer(buffer, offset, source as BufferSource, dataOffset, size);
    }) as GPUQueue['writeBuffer'];
    queue.patched = true;
  }
  const adapter = { features: device.features, limits: device.limits, info: device.adapterInfo, requestDevice: async () => device };
  globalNavigator().gpu = { requestAdapter: async () => adapter, getPreferredCanvasFormat: () => 'rgba8unorm', wgslLanguageFeatures: new Set() };
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return ort;
}

/** A SwiftShader device (ORT-web needs core WebGPU; llvmpipe is compatibility mode) with ORT-web on it. */
export async function ortDevice() {
  const { requestDevice } = await import('../../src/node.js');
  const device = await requestDevice({ adapter: 'swiftshader', quiet: true, autotune: false });
  return { device, ort: await ortOn(device) };
}

/** Counts every upload (writeBuffer) and readback (mapAsync) on `device`, by anyone, while `body` runs. */
export async function countTransfers<T>(device: GPUDevice, body: () => Promise<T>): Promise<{ result: T; uploads: number; readbacks: number }> {
  const queue = device.queue;
  const writeBuffer = queue.writeBuffer;
  const mapAsync = GPUBuffer.prototype.mapAsync;
  let uploads = 0;
  let readbacks = 0;
  queue.writeBuffer = function (this: GPUQueue, ...args: Parameters<GPUQueue['writeBuffer']>) {
    uploads++;
    return writeBuffer.apply(this, args);
  } as GPUQueue['writeBuffer'];
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
    readbacks++;
    return mapAsync.apply(this, args);
  };
  try {
    return { result: await body(), uploads, readbacks };
  } finally {
    queue.writeBuffer = writeBuffer;
    GPUBuffer.prototype.mapAsync = mapAsync;
  }
}
