// The main job: the seed's four AdaptiveAvgPool2d examples, the ceil-mode conformance vector, the rest of the
// pooling family, an SE block and the ResNet head at two image sizes, on the GPU, each compared with the CPU reference. Run: npm start
import { Tensor, manualSeed, nn, noGrad, reference } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';

const device = await requestDevice(); // prints which adapter it chose
manualSeed(0); // the layers' weights are initialised as PyTorch does, reproducibly

function randomInput(shape, seed) {
  let state = seed;
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

const examples = [
  {
    label: 'AdaptiveAvgPool2d((5, 7))',
    module: new nn.AdaptiveAvgPool2d([5, 7]),
    inputShape: [1, 64, 8, 9],
    ref: (d, s) => reference.adaptiveAvgPool2d(d, s, [5, 7]),
  },
  { label: 'AdaptiveAvgPool2d(7)', module: new nn.AdaptiveAvgPool2d(7), inputShape: [1, 64, 10, 9], ref: (d, s) => reference.adaptiveAvgPool2d(d, s, 7) },
  {
    label: 'AdaptiveAvgPool2d((None, 7))',
    module: new nn.AdaptiveAvgPool2d([null, 7]),
    inputShape: [1, 64, 10, 9],
    ref: (d, s) => reference.adaptiveAvgPool2d(d, s, [null, 7]),
  },
  { label: 'AdaptiveAvgPool2d(1)', module: new nn.AdaptiveAvgPool2d(1), inputShape: [1, 64, 10, 9], ref: (d, s) => reference.adaptiveAvgPool2d(d, s, 1) },
  {
    label: 'AvgPool2d(3, stride=2, padding=1, ceil_mode=True)',
    module: new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    inputShape: [1, 1, 4, 4],
    data: Float32Array.from({ length: 16 }, (_, i) => i + 1),
    ref: (d, s) => reference.avgPool2d(d, s, 3, { stride: 2, padding: 1, ceilMode: true }),
  },
];

// The rest of the pooling family: the ResNet stem's max pool in ceil mode (which ONNX Runtime Web's WebGPU backend
// rejects), adaptive max pooling (no WebGPU peer has it), 3-D average and 1-D LP pooling.
examples.push(
  {
    label: 'MaxPool2d(3, stride=2, padding=1, ceil_mode=True)',
    module: new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    inputShape: [1, 64, 15, 15],
  },
  { label: 'AdaptiveMaxPool2d((5, 7))', module: new nn.AdaptiveMaxPool2d([5, 7]), inputShape: [1, 64, 15, 15] },
  { label: 'AvgPool3d(3, stride=2, padding=1)', module: new nn.AvgPool3d(3, { stride: 2, padding: 1 }), inputShape: [1, 8, 8, 16, 16] },
  { label: 'LPPool1d(2, 4)', module: new nn.LPPool1d(2, 4), inputShape: [1, 64, 100] },
);

// The seed's layers: an SE block, its MobileNetV3 variant, and the ResNet head fed 224- and 448-pixel images.
examples.push(
  { label: 'SELayer(64, reduction=16)', module: new nn.SELayer(64, 16), inputShape: [2, 64, 56, 56] },
  { label: 'SqueezeAndExcite(96, 96, se_kernel=7)', module: new nn.SqueezeAndExcite(96, 96, 7), inputShape: [2, 96, 7, 7] },
  { label: 'SqueezeAndExcite(96, 96, 7), 14x14 map', module: new nn.SqueezeAndExcite(96, 96, 7), inputShape: [2, 96, 14, 14] },
  { label: "SqueezeAndExcite(96, 96, 7, pool: 'adaptive')", module: new nn.SqueezeAndExcite(96, 96, 7, 4, { pool: 'adaptive' }), inputShape: [2, 96, 14, 14] },
  { label: 'ResNetHead(512, 1000), 224x224 image', module: new nn.ResNetHead(512, 1000), inputShape: [1, 512, 7, 7] },
  { label: 'ResNetHead(512, 1000), 448x448 image', module: new nn.ResNetHead(512, 1000), inputShape: [1, 512, 14, 14] },
  { label: "ResNetHead(512, 1000, pool: 'fixed'), 224x224", module: new nn.ResNetHead(512, 1000, { pool: 'fixed' }), inputShape: [1, 512, 7, 7] },
  { label: "ResNetHead(512, 1000, pool: 'fixed'), 448x448", module: new nn.ResNetHead(512, 1000, { pool: 'fixed' }), inputShape: [1, 512, 14, 14] },
);

let worst = 0;
for (const [i, example] of examples.entries()) {
  const data = example.data ?? randomInput(example.inputShape, 1234 + i);
  const input = `[${example.inputShape.join(', ')}]`.padEnd(17);
  let x, y;
  try {
    x = Tensor.fromArray(device, data, example.inputShape);
    y = noGrad(() => example.module.eval().forward(x)); // inference, as in PyTorch: eval() and no_grad
  } catch (error) {
    // The seed's lesson: a fixed-size pool breaks when the image size changes. PyTorch fails the same way.
    console.log(`${example.label.padEnd(50)} ${input} → ${error.name}: ${error.message}`);
    x?.dispose();
    example.module.dispose();
    continue;
  }
  const gpu = await y.toArray();
  const expected = example.ref ? example.ref(data, example.inputShape) : example.module.forwardCpu({ data, shape: example.inputShape });
  const diff = reference.maxAbsDiff(gpu, expected.data);
  worst = Math.max(worst, diff);
  const shape = `torch.Size([${y.shape.join(', ')}])`;
  console.log(`${example.label.padEnd(50)} ${input} → ${shape.padEnd(28)} max |GPU − reference| = ${diff.toExponential(2)}`);
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
