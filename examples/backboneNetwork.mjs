// The network of examples/backbone.mjs, browser-safe (the demo runs it too): a CNN backbone as an ONNX model for
// ONNX Runtime Web, and the kit's layers after it, all with PyTorch's weights from test/fixtures/backbone.json
// (test/fixtures/generate_backbone.py).
import { Tensor, fromOrtTensor, nn, noGrad, toOrtTensor } from 'webgpu-layers';
import { onnxModel } from '../bench/onnx.mjs';

const weightOf = (fixture) => (key) => ({ data: Float32Array.from(fixture.state_dict[key].data), shape: fixture.state_dict[key].shape });

/** The ORT session options that keep the backbone on `device` and its output on the GPU. */
export const sessionOptions = (device) => ({
  executionProviders: [{ name: 'webgpu', device, preferredLayout: 'NCHW' }],
  preferredOutputLocation: 'gpu-buffer',
});

/** The input shape of the fixture's picture after Resize(size): the shorter edge becomes `size`. */
export function inputShape({ width, height, size }) {
  return height <= width ? [1, 3, size, Math.floor((size * width) / height)] : [1, 3, Math.floor((size * height) / width), size];
}

/** generate_images.py's fixture_image: RGBA bytes. */
export function picture({ width, height }) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set([(x * 37 + y * 11) % 256, (x * x + 3 * y * y) % 256, (255 * ((Math.floor(x / 3) + Math.floor(y / 2)) % 2)) ^ ((x * 5) % 64), 255], i);
    }
  }
  return { data, width, height };
}

/** The backbone (conv → relu → conv → relu) as an ONNX model, from the PyTorch weights. */
export function backboneModel(fixture, inputShape) {
  const weight = weightOf(fixture);
  const conv = (name, input, output, stride) => ({
    op: 'Conv',
    inputs: [input, `${name}.weight`, `${name}.bias`],
    outputs: [output],
    attributes: { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1] },
  });
  return onnxModel({
    nodes: [
      conv('conv1', 'x', 'c1', 2),
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      conv('conv2', 'r1', 'c2', 1),
      { op: 'Relu', inputs: ['c2'], outputs: ['y'] },
    ],
    initializers: Object.fromEntries(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'].map((k) => [k, weight(k)])),
    input: ['x', inputShape],
    output: ['y', fixture.features_shape],
  });
}

/** The kit's layers after the backbone, with the PyTorch weights. */
export function kitLayers(fixture) {
  const weight = weightOf(fixture);
  const se = new nn.SELayer(32, 4);
  se.loadStateDict({ 'fc.0.weight': weight('se.fc.0.weight'), 'fc.2.weight': weight('se.fc.2.weight') });
  const head = new nn.ResNetHead(32, 10);
  head.loadStateDict({ 'fc.weight': weight('fc.weight'), 'fc.bias': weight('fc.bias') });
  return { se, pool: new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), adaptive: new nn.AdaptiveAvgPool2d([5, 7]), head };
}

/**
 * The whole network on `device`: picture → fromImage → ORT backbone → kit layers. Returns the logits tensor (not
 * read back) and the intermediate tensors to dispose.
 */
export async function runNetwork(device, ort, session, layers, image, { size, mean, std }) {
  const x = Tensor.fromImage(device, image, { size, mean, std });
  const features = fromOrtTensor(device, (await session.run({ x: await toOrtTensor(ort, x) })).y);
  const steps = [layers.se, layers.pool, layers.adaptive, layers.head];
  let current = features;
  const made = [x];
  for (const layer of steps) {
    made.push(current);
    current = noGrad(() => layer.forward(current));
  }
  return { logits: current, dispose: () => made.forEach((t) => t.dispose()) };
}

/** PyTorch's logits for the fixture's picture. */
export const expectedLogits = (fixture) => Float32Array.from(fixture.logits);
