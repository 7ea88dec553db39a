// ONNX Runtime Web and the kit on one device: a picture → a small CNN backbone in ORT-web's WebGPU backend → the
// kit's SE block, AvgPool2d(ceil_mode=True), AdaptiveAvgPool2d((5, 7)) and ResNet head → ten logits, with no
// readback in between. On the fixture's picture the logits are checked against PyTorch's; the explorer's picture
// or the webcam (where the browser allows it) go through the same network.
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { gpuStats, reference } from '../src/index.js';
import {
  backboneModel,
  expectedLogits,
  inputShape,
  kitLayers,
  picture,
  runNetwork,
  sessionOptions,
  type BackboneFixture,
} from '../examples/backboneNetwork.mjs';
import backbone from '../test/fixtures/backbone.json';
import type { Runner } from './backend.js';
import { latestOnly } from './latestOnly.js';

const fixture = backbone as unknown as BackboneFixture;
ort.env.wasm.wasmPaths = { wasm: wasmUrl };
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

function drawLogits(canvas: HTMLCanvasElement, logits: Float32Array): void {
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const width = canvas.width / logits.length;
  const scale = (canvas.height / 2 - 12) / Math.max(...Array.from(logits, Math.abs), 1e-6);
  logits.forEach((v, i) => {
    g.fillStyle = v >= 0 ? '#2a9d8f' : '#e76f51';
    const h = v * scale;
    g.fillRect(i * width + 3, canvas.height / 2 - Math.max(h, 0), width - 6, Math.abs(h));
    g.fillStyle = '#222';
    g.font = '10px monospace';
    g.fillText(String(i), i * width + width / 2 - 3, canvas.height - 2);
  });
}

export function mountNetwork(runner: Runner): { update: (source: 'fixture' | CanvasImageSource) => Promise<void> } {
  const result = document.getElementById('networkResult')!;
  if (!runner.device) {
    result.textContent = 'This panel needs WebGPU: ONNX Runtime Web runs the backbone on the same device as the kit.';
    return { update: async () => {} };
  }
  const layers = kitLayers(fixture);
  let session: Promise<ort.InferenceSession> | null = null;
  let runs = 0;
  let sessionDevice: GPUDevice | null = null;
  const update = latestOnly(result, async (isLatest, source: 'fixture' | CanvasImageSource) => {
    try {
      const device = runner.device!;
      if (!session || sessionDevice !== device) {
        // (Again after a lost device was replaced: ORT's session belongs to the device it was made on.)
        sessionDevice = device;
        session = ort.InferenceSession.create(
          backboneModel(fixture, inputShape(fixture.picture)),
          sessionOptions(device) as ort.InferenceSession.SessionOptions,
        );
      }
      const image = source === 'fixture' ? picture(fixture.picture) : toPixels(source);
      const before = gpuStats(device);
      const { logits, dispose } = await runNetwork(device, ort, await session, layers, image, fixture.picture);
      const values = await logits.toArray();
      const after = gpuStats(device);
      dispose();
      logits.dispose();
      if (!isLatest()) return;
      drawLogits(document.getElementById('logits') as HTMLCanvasElement, values);
      const uploads = after.writeBuffers - before.writeBuffers;
      const transfers = `${uploads} upload${uploads === 1 ? '' : 's'} (the pixels${runs++ === 0 ? "; the first run also uploads the kit's weights" : ''}), ${after.readbacks - before.readbacks} readback (the logits)`;
      result.className = 'result';
      result.dataset.logits = Array.from(values, (v) => v.toFixed(5)).join(',');
      if (source === 'fixture') {
        const diff = reference.maxAbsDiff(values, expectedLogits(fixture));
        result.dataset.maxDiff = String(diff);
        result.textContent = `logits [${Array.from(values, (v) => v.toFixed(4)).join(', ')}]\nmax |ours − PyTorch| = ${diff.toExponential(2)}; ${transfers}`;
      } else {
        delete result.dataset.maxDiff;
        result.textContent = `logits [${Array.from(values, (v) => v.toFixed(4)).join(', ')}]; ${transfers}`;
      }
    } catch (error) {
      if (!isLatest()) return;
      result.className = 'result error';
      result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
    }
  });
  return { update };
}

/** Any drawable source as RGBA pixels at the fixture picture's size (the network was built for its shape). */
function toPixels(source: CanvasImageSource): ImageData {
  const { width, height } = fixture.picture;
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  g.drawImage(source, 0, 0, width, height);
  return g.getImageData(0, 0, width, height);
}

/** The webcam as a video element, where the browser allows it; null (with the reason) otherwise. */
export async function webcam(): Promise<HTMLVideoElement | string> {
  if (!navigator.mediaDevices?.getUserMedia) return 'this browser has no camera API here';
  try {
    const video = document.createElement('video');
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
    video.muted = true;
    await video.play();
    return video;
  } catch (error) {
    return `no camera: ${(error as Error).message}`;
  }
}
