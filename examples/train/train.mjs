// Teachable Machine, on the device: a few classes of feature maps (synthetic here; in an app, a frozen backbone's
// output for the user's pictures) train a small SE head — SELayer → AdaptiveAvgPool2d(1) → Flatten → Linear → ReLU
// → Linear — with AdamW and cross-entropy, all on the GPU. It prints the loss and accuracy per epoch and the held-out
// accuracy, then saves the weights (and the held-out set) as .safetensors, which load_in_pytorch.py loads into the
// same PyTorch modules to print the same predictions. Run: npm run example:train
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, Tensor, nn, noGrad, optim, saveSafetensors } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';

const CLASSES = ['thumbs up', 'open hand', 'fist'];
const CHANNELS = 64;
const SIZE = 7;
const TRAIN_PER_CLASS = 48;
const HELD_OUT_PER_CLASS = 16;
const BATCH = 16;
const EPOCHS = Number(process.env.EPOCHS ?? 8);
const out = join(dirname(fileURLToPath(import.meta.url)), 'out');

// A seeded generator, so every run sees the same pictures.
let seed = 20261202;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());

// Each class lights up its own channels in its own corner of the map, under noise: what a backbone's features of
// three hand gestures might look like.
const prototypes = CLASSES.map(() => Float32Array.from({ length: CHANNELS }, () => (random() < 0.25 ? 1 : 0)));
function picture(label) {
  const x = new Float32Array(CHANNELS * SIZE * SIZE);
  const [cy, cx] = [
    [1, 1],
    [1, 5],
    [5, 3],
  ][label];
  for (let c = 0; c < CHANNELS; c++)
    for (let h = 0; h < SIZE; h++)
      for (let w = 0; w < SIZE; w++) {
        const near = Math.exp(-((h - cy) ** 2 + (w - cx) ** 2) / 4);
        x[(c * SIZE + h) * SIZE + w] = prototypes[label][c] * near + 1.5 * gaussian();
      }
  return x;
}
function dataset(perClass) {
  const samples = CLASSES.flatMap((_, label) => Array.from({ length: perClass }, () => ({ x: picture(label), label })));
  for (let i = samples.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [samples[i], samples[j]] = [samples[j], samples[i]];
  }
  return samples;
}
const train = dataset(TRAIN_PER_CLASS);
const heldOut = dataset(HELD_OUT_PER_CLASS);

const device = await requestDevice();
const batchTensors = (samples) => {
  const data = new Float32Array(samples.length * CHANNELS * SIZE * SIZE);
  samples.forEach((s, i) => data.set(s.x, i * s.x.length));
  return {
    x: Tensor.fromArray(device, data, [samples.length, CHANNELS, SIZE, SIZE]),
    y: Tensor.fromArray(
      device,
      Int32Array.from(samples, (s) => s.label),
      [samples.length],
    ),
  };
};
const argmax = (logits, classes) =>
  Array.from({ length: logits.length / classes }, (_, i) => {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    return row.indexOf(Math.max(...row));
  });

const head = new nn.Sequential(
  new nn.SELayer(CHANNELS, 8),
  new nn.AdaptiveAvgPool2d(1),
  new nn.Flatten(),
  new nn.Linear(CHANNELS, 32),
  new nn.ReLU(),
  new nn.Linear(32, CLASSES.length),
);
const optimizer = new optim.AdamW(head.parameters(), { lr: 3e-3, weightDecay: 1e-2 });
const batches = Array.from({ length: Math.ceil(train.length / BATCH) }, (_, i) => batchTensors(train.slice(i * BATCH, (i + 1) * BATCH)));
const started = performance.now();
console.log(`training a ${CLASSES.length}-class SE head on ${train.length} pictures, ${EPOCHS} epochs of ${batches.length} steps (AdamW)`);
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const losses = [];
  let correct = 0;
  for (const { x, y } of batches) {
    optimizer.zeroGrad();
    const logits = head.forward(x);
    const loss = F.crossEntropy(logits, y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    const predicted = argmax(await logits.toArray(), CLASSES.length);
    const labels = await y.toArray();
    correct += predicted.filter((p, i) => p === labels[i]).length;
    logits.dispose();
    loss.dispose();
  }
  const mean = (await Promise.all(losses)).reduce((a, b) => a + b, 0) / losses.length;
  console.log(`epoch ${epoch}/${EPOCHS}  loss ${mean.toFixed(4)}  train accuracy ${((100 * correct) / train.length).toFixed(1)}%`);
}
const seconds = (performance.now() - started) / 1000;

head.eval();
const test = batchTensors(heldOut);
const logits = noGrad(() => head.forward(test.x));
const values = await logits.toArray();
const predictions = argmax(values, CLASSES.length);
const accuracy = predictions.filter((p, i) => p === heldOut[i].label).length / heldOut.length;
console.log(
  `held-out accuracy ${(100 * accuracy).toFixed(1)}% on ${heldOut.length} pictures (chance: ${(100 / CLASSES.length).toFixed(1)}%), trained in ${seconds.toFixed(1)} s`,
);

mkdirSync(out, { recursive: true });
const weights = await head.readStateDict();
writeFileSync(join(out, 'head.safetensors'), saveSafetensors(weights, { format: 'pt', classes: CLASSES.join(',') }));
const heldOutX = new Float32Array(heldOut.length * CHANNELS * SIZE * SIZE);
heldOut.forEach((s, i) => heldOutX.set(s.x, i * s.x.length));
writeFileSync(
  join(out, 'held_out.safetensors'),
  saveSafetensors({
    features: { data: heldOutX, shape: [heldOut.length, CHANNELS, SIZE, SIZE] },
    labels: { data: Float32Array.from(heldOut, (s) => s.label), shape: [heldOut.length] },
    logits: { data: values, shape: [heldOut.length, CLASSES.length] },
  }),
);
console.log(`saved ${Object.keys(weights).join(', ')} to examples/train/out/head.safetensors; check it in PyTorch: python3 examples/train/load_in_pytorch.py`);
console.log(`predictions (first 12): ${predictions.slice(0, 12).join(' ')}`);
if (accuracy <= 1 / CLASSES.length) process.exitCode = 1;
