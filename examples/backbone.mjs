// A picture → a CNN backbone in ONNX Runtime Web (WebGPU) → the kit's SE block, ceil-mode pool, adaptive pool and
// ResNet head → logits, all on one GPU device, with no readback in between: the picture's pixels go up once and
// the logits come down once. The network and its logits come from PyTorch (test/fixtures/generate_backbone.py);
// the ONNX model is written in memory from those weights (examples/backboneNetwork.mjs). Run: npm run example:backbone
import { readFileSync } from 'node:fs';
import { reference } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';
import { loadOrtWeb } from '../bench/peers/ortWeb.mjs';
import { backboneModel, expectedLogits, inputShape, kitLayers, picture, runNetwork, sessionOptions } from './backboneNetwork.mjs';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/backbone.json', import.meta.url), 'utf8'));
const device = await requestDevice({ adapter: 'swiftshader' }); // ORT-web needs core WebGPU (llvmpipe is compatibility mode)
const { ort } = await loadOrtWeb(device); // ORT-web in Node, handed this device (bench/peers/ortWeb.mjs)
const session = await ort.InferenceSession.create(backboneModel(fixture, inputShape(fixture.picture)), sessionOptions(device));
const layers = kitLayers(fixture);
const { logits, dispose } = await runNetwork(device, ort, session, layers, picture(fixture.picture), fixture.picture);
const values = await logits.toArray();
const expected = expectedLogits(fixture);
console.log('logits:', Array.from(values, (v) => v.toFixed(4)).join(' '));
console.log('PyTorch:', Array.from(expected, (v) => v.toFixed(4)).join(' '));
console.log(`max |ours − PyTorch| = ${reference.maxAbsDiff(values, expected).toExponential(2)}`);
dispose();
logits.dispose();
await session.release();
device.destroy();
process.exit(0);
