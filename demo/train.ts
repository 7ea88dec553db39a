// Train a head in the page, Teachable-Machine style: pictures of three classes (drawn here, or from the webcam) go
// through ONNX Runtime Web's WebGPU backbone once each; their features train a small SE head on the kit's autograd,
// cross-entropy and AdamW, live, on the same device. The page draws the loss curve, tells the held-out accuracy and
// the predictions, and offers the weights as a .safetensors file that PyTorch loads.
import * as ort from 'onnxruntime-web/webgpu';
import { backboneModel, inputShape, sessionOptions, type BackboneFixture } from '../examples/backboneNetwork.mjs';
import backbone from '../test/fixtures/backbone.json';
import { F, fromOrtTensor, manualSeed, nn, noGrad, optim, saveSafetensors, Tensor, toOrtTensor } from '../src/index.js';
import type { Runner } from './backend.js';
import { webcam } from './network.js';
import { seededValues } from './seeded.js';

const fixture = backbone as unknown as BackboneFixture;
const CLASSES = ['rings', 'stripes', 'checkers'];
const PER_CLASS = 12;
const EPOCHS = 60;

interface Sample {
  features: Float32Array;
  label: number;
}

/** A picture of a class, drawn with seeded jitter: rings, stripes or a checkerboard in random colours. */
function drawn(label: number, seed: number): OffscreenCanvas {
  const { width, height } = fixture.picture;
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  const [r, gr, b, shift, scale] = seededValues(5, seed, 0, 1);
  g.fillStyle = `rgb(${(r! * 255) | 0}, ${(gr! * 255) | 0}, ${(b! * 255) | 0})`;
  g.fillRect(0, 0, width, height);
  g.fillStyle = g.strokeStyle = `rgb(${255 - ((r! * 255) | 0)}, ${255 - ((gr! * 255) | 0)}, ${255 - ((b! * 255) | 0)})`;
  const step = 4 + Math.round(scale! * 4);
  if (label === 0) {
    g.lineWidth = 2;
    for (let radius = step; radius < width; radius += step) {
      g.beginPath();
      g.arc(width * (0.3 + 0.4 * shift!), height / 2, radius, 0, 2 * Math.PI);
      g.stroke();
    }
  } else if (label === 1) {
    for (let y = Math.round(shift! * step); y < height; y += step) g.fillRect(0, y, width, step / 2);
  } else {
    for (let y = 0; y < height; y += step) for (let x = (y / step) % 2 ? step : 0; x < width; x += 2 * step) g.fillRect(x, y, step, step);
  }
  return canvas;
}

function drawLoss(canvas: HTMLCanvasElement, losses: number[]): void {
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const top = Math.max(...losses, 1e-6);
  g.strokeStyle = '#264653';
  g.lineWidth = 2;
  g.beginPath();
  losses.forEach((loss, i) => {
    const x = 8 + (i / Math.max(1, losses.length - 1)) * (canvas.width - 16);
    const y = canvas.height - 8 - (loss / top) * (canvas.height - 16);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  });
  g.stroke();
  g.fillStyle = '#222';
  g.font = '11px monospace';
  g.fillText(`loss per epoch (first ${losses[0]?.toFixed(3)}, last ${losses.at(-1)?.toFixed(3)})`, 10, 14);
}

export function mountTraining(runner: Runner): { ready: Promise<void> } {
  const result = document.getElementById('trainResult')!;
  const counts = document.getElementById('trainCounts')!;
  const trainButton = document.getElementById('train') as HTMLButtonElement;
  const download = document.getElementById('download') as HTMLButtonElement;
  if (!runner.device) {
    result.textContent = 'Training needs WebGPU: the backbone and the head run on the GPU.';
    trainButton.disabled = true;
    return { ready: Promise.resolve() };
  }
  const samples: Sample[] = [];
  let session: Promise<ort.InferenceSession> | null = null;
  let sessionDevice: GPUDevice | null = null;
  let trained: Uint8Array | null = null;

  /** The backbone's features of one picture (one ORT-web run, one readback, when the picture is added). */
  async function features(image: CanvasImageSource): Promise<Float32Array> {
    const device = runner.device!;
    if (!session || sessionDevice !== device) {
      sessionDevice = device;
      session = ort.InferenceSession.create(backboneModel(fixture, inputShape(fixture.picture)), sessionOptions(device) as ort.InferenceSession.SessionOptions);
    }
    const { width, height, size, mean, std } = fixture.picture;
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(image, 0, 0, width, height);
    const x = Tensor.fromImage(device, canvas.getContext('2d')!.getImageData(0, 0, width, height), { size, mean, std });
    const y = fromOrtTensor(device, (await (await session).run({ x: await toOrtTensor(ort, x) })).y as never);
    const data = await y.toArray();
    x.dispose();
    y.dispose();
    return data;
  }

  const showCounts = () => {
    counts.textContent = CLASSES.map((name, label) => `${name}: ${samples.filter((s) => s.label === label).length}`).join(' · ');
  };
  async function add(label: number, image: CanvasImageSource) {
    samples.push({ features: await features(image), label });
    showCounts();
  }
  const addDrawn = async (label: number, count: number) => {
    for (let i = 0; i < count; i++) await add(label, drawn(label, 1000 * label + samples.length + 1));
  };
  CLASSES.forEach((_, label) => {
    document.getElementById(`draw${label}`)!.addEventListener('click', () => void addDrawn(label, 4));
    document.getElementById(`cam${label}`)!.addEventListener('click', async () => {
      const video = await webcam();
      if (typeof video === 'string') result.textContent = `Webcam unavailable (${video}); drawn pictures instead.`;
      else await add(label, video);
    });
  });

  async function train() {
    trainButton.disabled = true;
    try {
      const device = runner.device!;
      const featureShape = fixture.features_shape.slice(1) as number[];
      const channels = featureShape[0]!;
      const perSample = featureShape.reduce((a, b) => a * b, 1);
      // Every fourth picture of each class is held out.
      const heldOut = samples.filter((_, i) => i % 4 === 3);
      const training = samples.filter((_, i) => i % 4 !== 3);
      const batch = (set: Sample[]) => {
        const data = new Float32Array(set.length * perSample);
        set.forEach((s, i) => data.set(s.features, i * perSample));
        return {
          x: Tensor.fromArray(device, data, [set.length, ...featureShape]),
          y: Tensor.fromArray(
            device,
            Int32Array.from(set, (s) => s.label),
            [set.length],
          ),
        };
      };
      manualSeed(77); // nn.Linear's own init (PyTorch's), seeded: every load trains the same way
      const head = new nn.Sequential(
        new nn.SELayer(channels, 4),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
        new nn.Linear(channels, 16),
        new nn.ReLU(),
        new nn.Linear(16, CLASSES.length),
      ); // a new module is in training mode, as in PyTorch
      const optimizer = new optim.AdamW(head.parameters(), { lr: 3e-2 });
      const { x, y } = batch(training);
      const losses: number[] = [];
      const t0 = performance.now();
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        optimizer.zeroGrad();
        const logits = head.forward(x);
        const loss = F.crossEntropy(logits, y);
        loss.backward();
        optimizer.step();
        losses.push(await loss.item());
        logits.dispose();
        loss.dispose();
        drawLoss(document.getElementById('lossCurve') as HTMLCanvasElement, losses);
      }
      const ms = performance.now() - t0;
      head.eval();
      const test = batch(heldOut);
      const logits = noGrad(() => head.forward(test.x));
      const values = await logits.toArray();
      const predicted = heldOut.map((_, i) => {
        const row = values.subarray(i * CLASSES.length, (i + 1) * CLASSES.length);
        return row.indexOf(Math.max(...row));
      });
      const accuracy = predicted.filter((p, i) => p === heldOut[i]!.label).length / heldOut.length;
      trained = saveSafetensors(await head.readStateDict(), { format: 'pt', classes: CLASSES.join(',') });
      download.disabled = false;
      result.dataset.firstLoss = String(losses[0]);
      result.dataset.lastLoss = String(losses.at(-1));
      result.dataset.heldOutAccuracy = String(accuracy);
      result.className = 'result';
      result.textContent =
        `${EPOCHS} steps on ${training.length} pictures in ${ms.toFixed(0)} ms; loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}; ` +
        `held-out accuracy ${(100 * accuracy).toFixed(0)}% on ${heldOut.length} pictures (chance ${(100 / CLASSES.length).toFixed(0)}%)\n` +
        `predictions: ${predicted.map((p, i) => `${CLASSES[p]}${p === heldOut[i]!.label ? '' : ` (was ${CLASSES[heldOut[i]!.label]})`}`).join(', ')}`;
      for (const t of [x, y, test.x, test.y, logits]) t.dispose();
      head.dispose();
    } catch (error) {
      result.className = 'result error';
      result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
    } finally {
      trainButton.disabled = false;
    }
  }
  trainButton.addEventListener('click', () => void train());
  download.addEventListener('click', () => {
    if (!trained) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([trained as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    link.download = 'head.safetensors';
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const ready = (async () => {
    for (let label = 0; label < CLASSES.length; label++) await addDrawn(label, PER_CLASS);
    await train();
  })();
  return { ready };
}
