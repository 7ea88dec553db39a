// "Hand-off": what it costs to move a tensor between the kit and ONNX Runtime Web or TF.js on one device, against
// the floor of copying it once with a WGSL copy kernel (the goal: at most one copy kernel). Each time is
// wall clock from the call until the GPU has finished (onSubmittedWorkDone), median of the runs.
import { Tensor, fromOrtTensor, fromTfjs, synchronize, toOrtTensor, toTfjs } from 'webgpu-layers';
import { median } from './stats.mjs';

import { HANDOFF_SHAPE } from './report.mjs';

async function timed(runs, fn) {
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const dispose = await fn();
    await synchronize(fn.device);
    if (i >= 2) times.push(performance.now() - t0);
    dispose?.();
  }
  return median(times);
}

/** Runs the section; `copyKernel(source, target, size)` is the bench's copy-kernel floor. */
export async function runHandOff(device, { tfjs, ortWeb, runs, seededData, copyKernel }) {
  const size = HANDOFF_SHAPE.reduce((a, b) => a * b, 1);
  const x = Tensor.fromArray(device, seededData(size, 7), HANDOFF_SHAPE);
  const target = device.createBuffer({ size: size * 4, usage: GPUBufferUsage.STORAGE });
  const time = (fn) => timed(runs, Object.assign(fn, { device }));
  const rows = [];
  const copyMs = await time(async () => copyKernel(x.gpuBuffer.buffer, target, size));
  rows.push({ handOff: 'copy kernel of the tensor (the floor)', ms: copyMs });
  // What a row costs with nothing handed over: the call, then waiting for the GPU (onSubmittedWorkDone).
  rows.push({ handOff: 'nothing (the timing alone: an empty synchronize)', ms: await time(async () => {}) });
  if (!ortWeb.unavailable) {
    rows.push({
      handOff: 'kit → ORT-web (toOrtTensor: the same buffer)',
      ms: await time(async () => {
        await toOrtTensor(ortWeb.ort, x);
      }),
    });
    const ortTensor = await toOrtTensor(ortWeb.ort, x);
    rows.push({
      handOff: 'ORT-web → kit (fromOrtTensor: the same buffer)',
      ms: await time(async () => {
        const t = fromOrtTensor(device, ortTensor);
        return () => t.dispose();
      }),
    });
  } else rows.push({ handOff: 'ORT-web', note: ortWeb.unavailable });
  if (!tfjs.unavailable) {
    const { tf } = tfjs;
    const nhwc = await tfjs.input(seededData(size, 7), HANDOFF_SHAPE);
    rows.push({
      handOff: "TF.js → kit (fromTfjs: one permute kernel reading TF.js's buffer)",
      ms: await time(async () => {
        const t = fromTfjs(tf, device, nhwc);
        return () => t.dispose();
      }),
    });
    rows.push({
      handOff: "kit → TF.js (toTfjs: one permute kernel + TF.js's buffer copy)",
      ms: await time(async () => {
        const t = await toTfjs(tf, x);
        return () => t.dispose();
      }),
    });
    rows.push({
      handOff: "TF.js → kit (fromTfjs layout 'channelsLast': a view of TF.js's buffer, no kernel, no copy)",
      ms: await time(async () => {
        const t = fromTfjs(tf, device, nhwc, { layout: 'channelsLast' });
        return () => t.dispose();
      }),
    });
    const last = x.contiguous('channelsLast');
    rows.push({
      handOff: "kit → TF.js (toTfjs of a channelsLast tensor: TF.js's buffer copy)",
      ms: await time(async () => {
        const t = await toTfjs(tf, last);
        return () => t.dispose();
      }),
    });
    rows.push({
      handOff: 'kit → TF.js (toTfjs zeroCopy of a channelsLast tensor: the same buffer)',
      ms: await time(async () => {
        const t = await toTfjs(tf, last, { zeroCopy: true });
        return () => t.dispose();
      }),
    });
    last.dispose();
    nhwc.dispose();
  } else rows.push({ handOff: 'TF.js', note: tfjs.unavailable });
  for (const row of rows) if (row.ms != null) row.overCopyKernel = row.ms / copyMs;
  target.destroy();
  x.dispose();
  return rows;
}
