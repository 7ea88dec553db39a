// The example of examples/backbone.mjs as a test: a picture → ONNX Runtime Web's WebGPU backbone → the kit's SE
// block, ceil-mode pool, adaptive pool and ResNet head, on one device, equals the same network in PyTorch
// (test/fixtures/generate_backbone.py); the pixels go up once, the logits come down once, nothing in between.
import { afterAll, beforeAll, expect, test } from 'vitest';
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
import backbone from './fixtures/backbone.json';
import { gpuStats } from '../src/index.js';
import { expectClose } from './helpers/compare.js';
import { countTransfers, ortDevice, type ortOn } from './helpers/peers.js';

let device: GPUDevice;
let ort: Awaited<ReturnType<typeof ortOn>>;
beforeAll(async () => {
  ({ device, ort } = await ortDevice());
}, 300_000);
afterAll(() => device?.destroy());

test("picture → ORT backbone → the kit's layers → logits equal PyTorch, with one upload and one readback", async () => {
  const fixture = backbone as unknown as BackboneFixture;
  const session = await ort.InferenceSession.create(backboneModel(fixture, inputShape(fixture.picture)), sessionOptions(device) as never);
  const layers = kitLayers(fixture);
  const run = () => runNetwork(device, ort, session, layers, picture(fixture.picture), fixture.picture);
  const warm = await run(); // compiles ORT's and the kit's kernels
  await warm.logits.toArray();
  warm.dispose();
  warm.logits.dispose();
  const before = gpuStats(device);
  const { result, readbacks } = await countTransfers(device, async () => {
    const { logits, dispose } = await run();
    const values = await logits.toArray();
    dispose();
    logits.dispose();
    return values;
  });
  const after = gpuStats(device);
  expect(after.writeBuffers - before.writeBuffers).toBe(1); // the picture's pixels
  expect(after.readbacks - before.readbacks).toBe(1); // the logits
  expect(readbacks).toBe(1); // and nobody else read anything back
  expectClose(result, expectedLogits(fixture), 'logits against PyTorch');
  Object.values(layers).forEach((m) => m.dispose());
  await session.release();
});
