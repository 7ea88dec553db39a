// Fine-tuning torchvision's MobileNetV3-Small on the device: the example draws a small image task itself (three
// shapes — disc, square, cross — each in its tint, at random places and sizes, under noise), trains the whole network in
// training mode (BatchNorm updating its statistics, Dropout on) with AdamW and cross-entropy, prints a line per epoch,
// reports the held-out accuracy in eval mode under noGrad, and saves the weights by torchvision's keys together with
// the held-out pictures and the kit's logits: load_in_torchvision.py loads them into torchvision strictly and checks
// the logits. (No pretrained weights can be downloaded here: the network starts from torchvision's initialisation,
// seeded.) Run: npm run example:finetune   (EPOCHS=… to change the length)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, Tensor, manualSeed, models, nn, noGrad, optim, saveSafetensors } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';

const CLASSES = ['disc', 'square', 'cross'];
const SIZE = 48;
const TRAIN_PER_CLASS = 32;
const HELD_OUT_PER_CLASS = 12;
const BATCH = 16;
const EPOCHS = Number(process.env.EPOCHS ?? 6);
const out = join(dirname(fileURLToPath(import.meta.url)), 'out');

let seed = 20261208;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

/**
 * A shape of class `label` at a random place and size, in its class's tint (red discs, green squares, blue crosses,
 * each colour jittered), on a noisy background: (3, SIZE, SIZE), centred on 0.
 */
function picture(label) {
  const x = new Float32Array(3 * SIZE * SIZE);
  const colour = [0, 1, 2].map((c) => (c === label ? 0.75 : 0.25) + 0.3 * (random() - 0.5));
  const [cy, cx] = [SIZE * (0.3 + 0.4 * random()), SIZE * (0.3 + 0.4 * random())];
  const r = SIZE * (0.15 + 0.1 * random());
  for (let h = 0; h < SIZE; h++)
    for (let w = 0; w < SIZE; w++) {
      const [dy, dx] = [h - cy, w - cx];
      const inside =
        label === 0
          ? dy * dy + dx * dx < r * r
          : label === 1
            ? Math.abs(dy) < r && Math.abs(dx) < r
            : (Math.abs(dy) < r / 3 && Math.abs(dx) < r) || (Math.abs(dx) < r / 3 && Math.abs(dy) < r);
      for (let c = 0; c < 3; c++) x[(c * SIZE + h) * SIZE + w] = (inside ? colour[c] : 0.5) + 0.15 * (random() - 0.5) - 0.5;
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
manualSeed(0); // torchvision's initialisation, reproducible; dropout masks too
const batchTensors = (samples) => {
  const data = new Float32Array(samples.length * 3 * SIZE * SIZE);
  samples.forEach((s, i) => data.set(s.x, i * s.x.length));
  const labels = Int32Array.from(samples, (s) => s.label);
  return { data, labels, x: Tensor.fromArray(device, data, [samples.length, 3, SIZE, SIZE]), y: Tensor.fromArray(device, labels, [samples.length]) };
};
const argmax = (logits) =>
  Array.from({ length: logits.length / CLASSES.length }, (_, i) => {
    const row = Array.from(logits.subarray(i * CLASSES.length, (i + 1) * CLASSES.length));
    return row.indexOf(Math.max(...row));
  });

const net = models.mobilenetV3Small({ numClasses: CLASSES.length, dropout: 0.2 }); // a new module trains, as in PyTorch
const optimizer = new optim.AdamW(net.parameters(), { lr: 2e-3, weightDecay: 1e-4 });
const batches = Array.from({ length: Math.ceil(train.length / BATCH) }, (_, i) => batchTensors(train.slice(i * BATCH, (i + 1) * BATCH)));
console.log(
  `fine-tuning MobileNetV3-Small (${net.parameters().length} parameters, ${net.buffers().length} buffers) on ${train.length} pictures of ${CLASSES.join(', ')}: ${EPOCHS} epochs of ${batches.length} steps (AdamW)`,
);
const start = performance.now();
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const t0 = performance.now();
  let total = 0;
  let correct = 0;
  for (const { x, y, labels } of batches) {
    optimizer.zeroGrad();
    const logits = net.forward(x);
    const loss = F.crossEntropy(logits, y);
    loss.backward();
    optimizer.step();
    total += (await loss.item()) * labels.length;
    correct += argmax(await logits.toArray()).filter((p, i) => p === labels[i]).length;
    for (const t of [logits, loss]) t.dispose();
  }
  console.log(
    `epoch ${epoch}/${EPOCHS}  loss ${(total / train.length).toFixed(4)}  train accuracy ${((100 * correct) / train.length).toFixed(1)}%  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
const seconds = (performance.now() - start) / 1000;

// MobileNetV3's BatchNorm momentum is 0.01: after a few dozen steps its running statistics still mostly hold their
// initial values. Re-estimate them over the training set (PyTorch's "precise BatchNorm" recipe): reset, switch to the
// cumulative average (momentum null), and run the pictures through in training mode, recording nothing.
for (const m of net.modules()) {
  if (!(m instanceof nn.BatchNorm2d)) continue;
  m.resetRunningStats();
  m.momentum = null;
}
for (const { x } of batches) noGrad(() => net.forward(x)).dispose();
net.eval(); // BatchNorm's running statistics, Dropout off
const test = batchTensors(heldOut);
const logits = noGrad(() => net.forward(test.x));
const values = await logits.toArray();
const accuracy = argmax(values).filter((p, i) => p === test.labels[i]).length / heldOut.length;
console.log(
  `held-out accuracy ${(100 * accuracy).toFixed(1)}% on ${heldOut.length} pictures (chance: ${(100 / CLASSES.length).toFixed(1)}%), trained in ${seconds.toFixed(1)} s`,
);

mkdirSync(out, { recursive: true });
const state = await net.readStateDict();
writeFileSync(join(out, 'mobilenet_v3_small.safetensors'), saveSafetensors(state, { format: 'pt', classes: CLASSES.join(',') }));
writeFileSync(
  join(out, 'held_out.safetensors'),
  saveSafetensors({ images: { data: test.data, shape: [heldOut.length, 3, SIZE, SIZE] }, logits: { data: values, shape: [heldOut.length, CLASSES.length] } }),
);
console.log(
  `saved ${Object.keys(state).length} entries by torchvision's keys to examples/finetune/out/mobilenet_v3_small.safetensors; check them in torchvision: /usr/bin/python3 examples/finetune/load_in_torchvision.py`,
);
for (const t of [logits, test.x, test.y, ...batches.flatMap((b) => [b.x, b.y])]) t.dispose();
net.dispose();
device.destroy();
if (!(accuracy > 1.5 / CLASSES.length)) {
  console.error('the fine-tuned network does not beat chance clearly on the held-out pictures');
  process.exit(1);
}
process.exit(0);
