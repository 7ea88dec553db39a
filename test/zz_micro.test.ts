import { test } from 'vitest';
import { F, Tensor, synchronize } from '../src/index.js';
import { testDevice } from './helpers/device.js';

test('micro', async () => {
  const device = await testDevice('llvmpipe');
  const time = async (f: () => Tensor) => {
    const ts: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const y = f();
      await synchronize(device);
      ts.push(performance.now() - t0);
      y.dispose();
    }
    ts.sort((a, b) => a - b);
    return ts[10]!.toFixed(2);
  };
  for (const shape of [
    [8, 16, 224, 224],
    [8, 64, 112, 112],
    [8, 256, 56, 56],
    [8, 512, 7, 7],
    [8, 1024, 28, 28],
    [1, 256, 56, 56],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n).map((_, i) => (i % 97) / 97);
    const nchw = Tensor.fromArray(device, data, shape);
    const cl = Tensor.fromArray(device, data, shape, { memoryFormat: 'channelsLast' });
    const a = await F.adaptiveAvgPool2d(cl, 1).toArray();
    const b = await F.adaptiveAvgPool2d(nchw, 1).toArray();
    const err = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    const out: string[] = [];
    for (let r = 0; r < 2; r++) out.push(`nchw ${await time(() => F.adaptiveAvgPool2d(nchw, 1))} cl ${await time(() => F.adaptiveAvgPool2d(cl, 1))}`);
    console.log(`${process.env.TAG} [${shape}] err ${err.toExponential(1)}: ${out.join(' | ')}`);
    nchw.dispose();
    cl.dispose();
  }
}, 300000);
