// A picture → a CNN backbone in ONNX Runtime Web (WebGPU) → the kit's SE block, ceil-mode pool, adaptive pool and
// ResNet head → logits, all on one GPU device, with no readback in between: the picture's pixels go up once and
// the logits come down once. The network and its logits come from PyTorch (test/fixtures/generate_backbone.py);
// the ONNX model is written in memory from those weights. Run: npm run example:backbone
import { readFileSync } from 'node:fs';
import { Tensor, fromOrtTensor, nn, reference, toOrtTensor } from 'webgpu-layers';
import { onnxModel } from '../bench/onnx.mjs';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/backbone.json', import.meta.url), 'utf8'));
const weight = (key) => ({ data: Float32Array.from(fixture.state_dict[key].data), shape: fixture.state_dict[key].shape });

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
export function backboneModel(inputShape) {
  const conv = (name, input, output, stride) => ({
    op: 'Conv', inputs: [input, `${name}.weight`, `${name}.bias`], outputs: [output],
    attributes: { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1] },
  });
  return onnxModel({
    nodes: [conv('conv1', 'x', 'c1', 2), { op: 'Relu', inputs: ['c1'], outputs: ['r1'] }, conv('conv2', 'r1', 'c2', 1), { op: 'Relu', inputs: ['c2'], outputs: ['y'] }],
    initializers: Object.fromEntries(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'].map((k) => [k, weight(k)])),
    input: ['x', inputShape],
    output: ['y', fixture.features_shape],
  });
}

/** The kit's layers after the backbone, with the PyTorch weights. */
export function kitLayers() {
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
export async function runNetwork(device, ort, session, layers) {
  const { picture: p } = fixture;
  const x = Tensor.fromImage(device, picture(p), { size: p.size, mean: p.mean, std: p.std });
  const features = fromOrtTensor(device, (await session.run({ x: await toOrtTensor(ort, x) })).y);
  const steps = [layers.se, layers.pool, layers.adaptive, layers.head];
  let current = features;
  const made = [x];
  for (const layer of steps) {
    made.push(current);
    current = layer.forward(current);
  }
  return { logits: current, dispose: () => made.forEach((t) => t.dispose()) };
}

export const expectedLogits = Float32Array.from(fixture.logits);

// Run as a script: npm run example:backbone
if (import.meta.url === `file://${process.argv[1]}`) {
  const { requestDevice } = await import('webgpu-layers/node');
  const { loadOrtWeb } = await import('../bench/peers/ortWeb.mjs');
  const device = await requestDevice({ adapter: 'swiftshader' }); // ORT-web needs core WebGPU (llvmpipe is compatibility mode)
  const { ort } = await loadOrtWeb(device); // ORT-web in Node, handed this device (bench/peers/ortWeb.mjs)
  const { picture: p } = fixture;
  const session = await ort.InferenceSession.create(backboneModel([1, 3, p.size, Math.floor((p.size * p.width) / p.height)]), {
    executionProviders: [{ name: 'webgpu', device, preferredLayout: 'NCHW' }],
    preferredOutputLocation: 'gpu-buffer',
  });
  const layers = kitLayers();
  const { logits, dispose } = await runNetwork(device, ort, session, layers);
  const values = await logits.toArray();
  console.log('logits:', Array.from(values, (v) => v.toFixed(4)).join(' '));
  console.log('PyTorch:', Array.from(expectedLogits, (v) => v.toFixed(4)).join(' '));
  console.log(`max |ours − PyTorch| = ${reference.maxAbsDiff(values, expectedLogits).toExponential(2)}`);
  dispose();
  logits.dispose();
  await session.release();
  device.destroy();
  process.exit(0);
}
