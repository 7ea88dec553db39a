// The main job: the seed's four AdaptiveAvgPool2d examples and the ceil-mode conformance vector on the GPU,
// each compared with the CPU reference. Run: npm start
import { Tensor, nn, reference } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';

const device = await requestDevice(); // prints which adapter it chose

function randomInput(shape, seed) {
  let state = seed;
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

const maxAbsDiff = (a, b) => a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i])), 0);

const examples = [
  { label: 'AdaptiveAvgPool2d((5, 7))', module: new nn.AdaptiveAvgPool2d([5, 7]), inputShape: [1, 64, 8, 9], ref: (d, s) => reference.adaptiveAvgPool2d(d, s, [5, 7]) },
  { label: 'AdaptiveAvgPool2d(7)', module: new nn.AdaptiveAvgPool2d(7), inputShape: [1, 64, 10, 9], ref: (d, s) => reference.adaptiveAvgPool2d(d, s, 7) },
  { label: 'AdaptiveAvgPool2d((None, 7))', module: new nn.AdaptiveAvgPool2d([null, 7]), inputShape: [1, 64, 10, 9], ref: (d, s) => reference.adaptiveAvgPool2d(d, s, [null, 7]) },
  { label: 'AdaptiveAvgPool2d(1)', module: new nn.AdaptiveAvgPool2d(1), inputShape: [1, 64, 10, 9], ref: (d, s) => reference.adaptiveAvgPool2d(d, s, 1) },
  {
    label: 'AvgPool2d(3, stride=2, padding=1, ceil_mode=True)',
    module: new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    inputShape: [1, 1, 4, 4],
    data: Float32Array.from({ length: 16 }, (_, i) => i + 1),
    ref: (d, s) => reference.avgPool2d(d, s, 3, { stride: 2, padding: 1, ceilMode: true }),
  },
];

let worst = 0;
for (const [i, example] of examples.entries()) {
  const data = example.data ?? randomInput(example.inputShape, 1234 + i);
  const x = Tensor.fromArray(device, data, example.inputShape);
  const y = example.module.forward(x);
  const gpu = await y.toArray();
  const expected = example.ref(data, example.inputShape);
  const diff = maxAbsDiff(gpu, expected.data);
  worst = Math.max(worst, diff);
  const shape = `torch.Size([${y.shape.join(', ')}])`;
  console.log(`${example.label.padEnd(50)} ${`[${example.inputShape.join(', ')}]`.padEnd(16)} → ${shape.padEnd(28)} max |GPU − reference| = ${diff.toExponential(2)}`);
  if (example.data) console.log(`  values: [${Array.from(gpu, (v) => +v.toFixed(7)).join(', ')}]`);
  x.dispose();
  y.dispose();
  example.module.dispose();
}
device.destroy();
if (!(worst <= 1e-4)) {
  console.error(`GPU and CPU reference disagree: max |difference| ${worst}`);
  process.exit(1);
}
