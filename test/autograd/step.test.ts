// A training step at the floor: after warm-up a step creates no GPU buffer, makes one submit, and reads back only
// the loss it is asked for; 10,000 steps leave the allocator where the first left it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, gpuStats, liveBytes, nn, optim, synchronize } from '../../src/index.js';
import { inBrowser, testDevice } from '../helpers/device.js';

describe('a training step', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(undefined, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test('steady state: no buffer created, one submit, one readback per step', async () => {
    const head = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 3)).train();
    const x = Tensor.fromArray(
      device,
      Float32Array.from({ length: 4 * 32 * 3 * 3 }, (_, i) => Math.sin(i)),
      [4, 32, 3, 3],
    );
    const target = Tensor.fromArray(device, new Int32Array([0, 1, 2, 1]), [4]);
    const opt = new optim.Adam(head.parameters(), { lr: 1e-2 });
    const step = async () => {
      opt.zeroGrad();
      const logits = head.forward(x);
      const loss = F.crossEntropy(logits, target);
      loss.backward();
      opt.step();
      const value = await loss.item();
      logits.dispose();
      loss.dispose();
      return value;
    };
    for (let i = 0; i < 5; i++) await step();
    const before = { ...gpuStats(device) };
    await step();
    const after = gpuStats(device);
    expect(after.buffersCreated - before.buffersCreated, 'buffers created').toBe(0);
    expect(after.submits - before.submits, 'submits').toBe(1);
    expect(after.pipelines - before.pipelines, 'pipelines compiled').toBe(0);
    // The loss and its target check (8 bytes), both copied in that one submit; nothing else is read.
    expect(after.readbacks - before.readbacks, 'readbacks').toBe(2);
    // Without item(), a step reads nothing back.
    opt.zeroGrad();
    const logits = head.forward(x);
    const loss = F.crossEntropy(logits, target);
    loss.backward();
    opt.step();
    logits.dispose();
    loss.dispose();
    expect(gpuStats(device).readbacks - after.readbacks).toBe(0);
    for (const t of [x, target]) t.dispose();
    head.dispose();
  });

  // In Node only: in Chromium's SwiftShader the 10,000 steps take a minute, and they check the same allocator.
  test.skipIf(inBrowser)('10,000 steps leave the allocated bytes where the first step left them', async () => {
    const head = new nn.Sequential(new nn.Linear(8, 6), new nn.ReLU(), new nn.Linear(6, 3)).train();
    const x = Tensor.fromArray(
      device,
      Float32Array.from({ length: 4 * 8 }, (_, i) => Math.cos(i)),
      [4, 8],
    );
    const target = Tensor.fromArray(device, new Int32Array([0, 1, 2, 1]), [4]);
    const opt = new optim.AdamW(head.parameters(), { lr: 1e-3 });
    let afterFirst = 0;
    for (let i = 0; i < 10_000; i++) {
      opt.zeroGrad();
      const logits = head.forward(x);
      const loss = F.crossEntropy(logits, target);
      loss.backward();
      opt.step();
      logits.dispose();
      if (i === 0 || i === 9_999) expect(Number.isFinite(await loss.item())).toBe(true);
      loss.dispose();
      if (i === 0) afterFirst = liveBytes(device);
      if (i % 1000 === 999) await synchronize(device);
    }
    expect(liveBytes(device)).toBe(afterFirst);
    for (const t of [x, target]) t.dispose();
    head.dispose();
  });
});
