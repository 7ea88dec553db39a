// "CPU cost per forward": batch-1 layers, where on a real GPU the CPU work of each forward sets the speed.
// For each case, in one run on one device:
//  - ours: wall time from forward() until queue.submit has returned with its work (SwiftShader's submit is
//    asynchronous, so this separates the CPU's part from the GPU's), with the GPU idle before each forward;
//  - the raw floor: a plain WebGPU loop recording the same number of dispatches (a copy kernel over the input's
//    elements, pipeline and bind group made once) into one pass and submitting it;
//  - TF.js WebGPU: the same layer from the call until its work is submitted; ORT-web: one session.run (it
//    awaits its own work), where ONNX can express the layer;
//  - throughput: 100 forwards queued before one readback, per forward;
//  - the GPU objects one steady-state forward creates, from gpuStats.
import { Tensor, gpuStats, synchronize, whenSubmitted } from 'webgpu-layers';
import { median } from './stats.mjs';
import { CASE_MAKERS, prepareCase } from './cases.mjs';
import { onnxModel } from './onnx.mjs';

export const CPU_COST_CASES = [
  CASE_MAKERS.avgPool([1, 64, 56, 56], 3, 2, 1),
  CASE_MAKERS.adaptive([1, 256, 14, 14], [5, 7]),
  CASE_MAKERS.seLayer([1, 256, 56, 56]),
  CASE_MAKERS.squeezeAndExcite([1, 96, 7, 7]),
  CASE_MAKERS.squeezeAndExcite([1, 960, 7, 7]),
  CASE_MAKERS.resnetHead([1, 2048, 7, 7], 1000),
];

const summary = (times) => ({ medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs: times.length });

/** Reproducible inputs: a linear congruential sequence in [-0.5, 0.5). */
export function seededData(size, seed) {
  let state = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** A copy kernel (bench/copy_kernel.wgsl, a vec4 an invocation), its pipeline and one bind group over `elements` floats: the floor's dispatch. */
function rawFloor(device, code, elements) {
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const usage = GPUBufferUsage.STORAGE;
  const vec4s = Math.ceil(elements / 4); // the copy kernel moves a vec4 an invocation
  const buffers = [device.createBuffer({ size: vec4s * 16, usage }), device.createBuffer({ size: vec4s * 16, usage })];
  const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
  new Uint32Array(params.getMappedRange()).set([vec4s, 0, 0, 0]);
  params.unmap();
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const groups = Math.ceil(vec4s / 64);
  const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  return {
    /** Records `dispatches` dispatches into one pass and submits them; returns the CPU time. */
    run(dispatches) {
      const t0 = performance.now();
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      for (let i = 0; i < dispatches; i++) {
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(x, Math.ceil(groups / x));
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
      return performance.now() - t0;
    },
    dispose: () => [...buffers, params].forEach((b) => b.destroy()),
  };
}

/** Runs the section; `peers` are the bench's loaded tfjs and ORT-web (or their `unavailable` notes). */
export async function runCpuCost(device, { tfjs, ortWeb, runs, log, copyKernelCode }) {
  const rows = [];
  for (const [index, testCase] of CPU_COST_CASES.entries()) {
    const size = testCase.shape.reduce((a, b) => a * b, 1);
    const data = seededData(size, 100 + index);
    const x = Tensor.fromArray(device, data, testCase.shape);
    const prepared = prepareCase(testCase, device, tfjs.unavailable ? null : tfjs);
    const row = { case: testCase.name };

    // Warm-up: weights uploaded, pipelines compiled, pool and caches filled.
    for (let i = 0; i < 5; i++) {
      const y = prepared.ours(x);
      await y.toArray();
      y.dispose();
    }
    const before = gpuStats(device);
    const once = prepared.ours(x);
    await once.toArray();
    once.dispose();
    const after = gpuStats(device);
    row.perForward = Object.fromEntries(['buffersCreated', 'bindGroupsCreated', 'writeBuffers', 'dispatches', 'submits'].map((k) => [k, after[k] - before[k]]));

    // Ours and the floor, interleaved so that the machine's noise hits both alike, in the order ours, floor,
    // floor, ours, ...: on a CPU adapter the GPU work just done evicts the caches the next forward's CPU part
    // starts from, and the floor's copies move more memory than most forwards, so a fixed order would charge
    // that to whichever side always comes second.
    const floor = rawFloor(device, copyKernelCode, size);
    const ours = [];
    const raw = [];
    const measureOurs = async () => {
      const t0 = performance.now();
      const y = prepared.ours(x);
      await whenSubmitted(device);
      // Until queue.submit returned: the promise hops after it are the bench's, not the forward's.
      ours.push(gpuStats(device).lastSubmitAt - t0);
      await synchronize(device);
      y.dispose();
    };
    const measureFloor = async () => {
      raw.push(floor.run(row.perForward.dispatches));
      await device.queue.onSubmittedWorkDone();
    };
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        await measureOurs();
        await measureFloor();
      } else {
        await measureFloor();
        await measureOurs();
      }
    }
    floor.dispose();
    row.ours = summary(ours);
    row.floor = summary(raw);
    row.oursOverFloor = row.ours.medianMs / row.floor.medianMs;

    // 100 forwards queued before one readback.
    {
      const t0 = performance.now();
      const ys = Array.from({ length: 100 }, () => prepared.ours(x));
      await ys[99].toArray();
      row.queuedMsPerForward = (performance.now() - t0) / 100;
      ys.forEach((y) => y.dispose());
    }

    // TF.js: the call until its work is submitted.
    if (tfjs.unavailable || prepared.tfjs.unsupported) row.tfjs = { note: tfjs.unavailable ?? prepared.tfjs.unsupported };
    else {
      const xt = await tfjs.input(data, testCase.shape);
      const backend = tfjs.tf.backend();
      const times = [];
      for (let i = 0; i < runs + 3; i++) {
        const t0 = performance.now();
        const y = tfjs.tf.tidy(() => prepared.tfjs.run(tfjs.tf, xt));
        backend.endComputePassEncoder();
        backend.submitQueue();
        if (i >= 3) times.push(performance.now() - t0);
        await device.queue.onSubmittedWorkDone();
        y.dispose();
      }
      row.tfjs = summary(times);
      xt.dispose();
    }

    // ORT-web: one session.run, which awaits its own work.
    if (ortWeb.unavailable || prepared.onnx.unsupported) row.ortWeb = { note: ortWeb.unavailable ?? prepared.onnx.unsupported };
    else {
      try {
        const model = onnxModel({
          nodes: prepared.onnx.nodes,
          initializers: prepared.onnx.initializers,
          input: ['x', testCase.shape],
          output: ['y', prepared.reference({ data, shape: testCase.shape }).shape],
        });
        const session = await ortWeb.session(model);
        const feeds = { x: ortWeb.input(x) };
        const times = [];
        for (let i = 0; i < runs + 3; i++) {
          const t0 = performance.now();
          const outputs = await session.run(feeds);
          if (i >= 3) times.push(performance.now() - t0);
          await device.queue.onSubmittedWorkDone();
          outputs.y.dispose?.();
        }
        row.ortWeb = summary(times);
        await session.release();
      } catch (error) {
        row.ortWeb = { note: `failed: ${error.message.split('\n')[0]}` };
      }
    }
    const fmt = (r) => (r.medianMs == null ? r.note : `${(r.medianMs * 1000).toFixed(0)} µs`);
    log(
      `[cpu ${index + 1}/${CPU_COST_CASES.length}] ${testCase.name}: ours ${fmt(row.ours)}, floor ${fmt(row.floor)} (${row.oursOverFloor.toFixed(2)}×), tfjs ${fmt(row.tfjs)}, ort-web ${fmt(row.ortWeb)}, queued ${(row.queuedMsPerForward * 1000).toFixed(0)} µs/forward, per forward ${JSON.stringify(row.perForward)}`,
    );
    rows.push(row);
    prepared.dispose?.();
    x.dispose();
  }
  return rows;
}
