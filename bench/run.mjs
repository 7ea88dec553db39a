// npm run bench [-- --adapter hardware|swiftshader|llvmpipe] [--quick] [--json FILE] [--only TEXT] [--peers none]
// Ours, the adapter's copy bandwidth, TF.js WebGPU, ONNX Runtime Web (WebGPU), onnxruntime-node (CPU) and our
// CPU reference, side by side on one device. Every peer's output is checked against the reference before it
// is timed. Time: wall clock from the call to the GPU finishing (onSubmittedWorkDone), after warm-up; the same
// method for every implementation, so they compare. Writes bench/results/<adapter>-<date>.json and .svg.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, measureGpuTime, synchronize, whenSubmitted } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';
import { CASES, prepareCase } from './cases.mjs';
import { CONV_CASES } from './convCases.mjs';
import { runCpuCost, seededData } from './cpuCost.mjs';
import { runHandOff } from './handoff.mjs';
import { onnxModel } from './onnx.mjs';
import { loadOrtNode } from './peers/ortNode.mjs';
import { loadOrtWeb } from './peers/ortWeb.mjs';
import { loadTfjs, loadTfjsTraining } from './peers/tfjs.mjs';
import { runTraining } from './training.mjs';
import { firstMismatch, median } from './stats.mjs';
import { cpuCostTable, handOffTable, markdownTable, notes, oursDetail, svgChart, trainingTable } from './report.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const adapterChoice = option('--adapter');
const only = option('--only');
const jsonPath = option('--json');
/** `--peers none`: ours, the floors and the reference only (an A/B of two builds of ours). */
const noPeers = option('--peers') === 'none';
const RUNS = Number(option('--runs') ?? (quick ? 5 : 15));
const WARMUP = quick ? 1 : 3;
/** A slow implementation stops after this much time (at least 3 runs), so the whole run stays bounded. */
const BUDGET_MS = quick ? 2_500 : 15_000;

const log = (text) => process.stderr.write(`${text}\n`);

async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times = [];
  const start = performance.now();
  while (times.length < RUNS && (times.length < 3 || performance.now() - start < BUDGET_MS)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summary(times);
}

const summary = (times) => ({ medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs: times.length });

/**
 * Times several forwards in alternation, each once a round, so that their ratios (float16 ÷ float32, channels last ÷
 * contiguous) compare the same stretch of a noisy machine rather than minutes apart.
 */
async function measureSideBySide(fns) {
  const entries = Object.entries(fns);
  for (let i = 0; i < WARMUP; i++) for (const [, fn] of entries) await fn();
  const times = Object.fromEntries(entries.map(([name]) => [name, []]));
  const start = performance.now();
  for (let round = 0; round < RUNS && (round < 3 || performance.now() - start < BUDGET_MS * entries.length); round++) {
    for (const [name, fn] of entries) {
      const t0 = performance.now();
      await fn();
      times[name].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(entries.map(([name]) => [name, summary(times[name])]));
}

/** Loads a peer; if it cannot run here, every row of it says why. */
async function tryLoad(name, load) {
  if (noPeers) return { unavailable: `${name} not run (--peers none)` };
  try {
    return await load();
  } catch (error) {
    log(`  ${name} is unavailable: ${error.message.split('\n')[0]}`);
    return { unavailable: `${name} could not start: ${error.message.split('\n')[0]}` };
  }
}

const device = await requestDevice({ adapter: adapterChoice });

const copyPipeline = device.createComputePipeline({
  layout: 'auto',
  compute: { module: device.createShaderModule({ code: readFileSync(new URL('./copy_kernel.wgsl', import.meta.url), 'utf8') }), entryPoint: 'main' },
});
const copyParams = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });

/** Runs bench/copy_kernel.wgsl (a vec4 an invocation) over `size` floats and waits for it. */
async function copyKernel(source, target, size) {
  const vec4s = Math.ceil(size / 4);
  device.queue.writeBuffer(copyParams, 0, new Uint32Array([vec4s, 0, 0, 0]));
  const bindGroup = device.createBindGroup({
    layout: copyPipeline.getBindGroupLayout(0),
    entries: [source, target, copyParams].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const groups = Math.ceil(vec4s / 64);
  const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(copyPipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}
const info = device.adapterInfo;
const adapter = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description || info.device };
const adapterName = (
  adapterChoice ??
  /(swiftshader|llvmpipe)/i.exec(`${info.architecture} ${info.device} ${info.description}`)?.[1] ??
  'hardware'
).toLowerCase();
log(`webgpu-layers bench: ${quick ? 'quick, ' : ''}${RUNS} runs after ${WARMUP} warm-up, on ${adapter.description}`);

const tfjs = await tryLoad('tfjs-webgpu', () => loadTfjs(device));
const ortWeb = await tryLoad('ort-web-webgpu', () => loadOrtWeb(device));
const ortNode = await tryLoad('ort-node-cpu', () => loadOrtNode());

const results = [];
const cases = [];
const selected = [...CASES, ...CONV_CASES].filter((c) => !only || c.name.includes(only));
const benchStart = performance.now();

for (const [index, testCase] of selected.entries()) {
  const label = `[${index + 1}/${selected.length}] ${testCase.name}`;
  const size = testCase.shape.reduce((a, b) => a * b, 1);
  const data = seededData(size, index + 1);
  const input = { data, shape: testCase.shape };
  const x = Tensor.fromArray(device, data, testCase.shape);
  const prepared = prepareCase(testCase, device, tfjs.unavailable ? null : tfjs);
  const caseResults = [];
  const add = (impl, timing, fields) => {
    const row = { case: testCase.name, impl, medianMs: null, minMs: null, maxMs: null, ...timing, ...fields };
    caseResults.push(row);
    log(`${label}: ${impl.padEnd(15)} ${row.medianMs == null ? row.note : `${row.medianMs.toFixed(3)} ms median of ${row.runs}`}`);
  };
  /** Checks a peer's output against the reference; returns a note when it does not match. */
  const check = (output) => {
    const bad = firstMismatch(output, expected.data);
    return bad && `output does not match the reference (index ${bad.index}: ${bad.actual} vs ${bad.expected})`;
  };

  const expected = prepared.reference(input);
  // The large convolutions' reference takes seconds a call: computed once for the checks, not timed.
  if (testCase.referenceUntimed) add('reference-cpu', {}, { note: 'not timed (seconds a call; computed once for the checks)' });
  else add('reference-cpu', await measure(async () => prepared.reference(input)), { semantics: 'PyTorch' });

  // Ours in float32, in float16 (halves packed two to a word; f32 arithmetic: the same case on the input rounded to
  // halves) and on the input in PyTorch's channels-last memory format (4-D: N, H, W, C; 5-D: N, D, H, W, C), each
  // checked against the reference, then timed side by side.
  const first = prepared.ours(x);
  const mismatch = check(await first.toArray());
  first.dispose();
  if (mismatch) throw new Error(`${testCase.name}: ours ${mismatch}`);
  const x16 = x.to('float16');
  const half = prepared.half ?? prepared.ours;
  const halfFirst = half(x16);
  const halfMismatch = firstMismatch(await halfFirst.toArray(), expected.data, { rtol: 2 ** -7, atol: 2 ** -7 });
  halfFirst.dispose();
  if (halfMismatch) throw new Error(`${testCase.name}: ours in float16 differs from the reference beyond half precision at ${halfMismatch.index}`);
  const memoryFormat = { 4: 'channelsLast', 5: 'channelsLast3d' }[testCase.shape.length];
  const xl = memoryFormat ? x.contiguous(memoryFormat) : null;
  if (xl) {
    const lastFirst = prepared.ours(xl);
    const lastMismatch = check(await lastFirst.toArray());
    lastFirst.dispose();
    if (lastMismatch) throw new Error(`${testCase.name}: ours in ${memoryFormat} ${lastMismatch}`);
  }
  const forward = (run, input) => async () => {
    const y = run(input);
    await synchronize(device);
    y.dispose();
  };
  const timings = await measureSideBySide({
    ours: forward(prepared.ours, x),
    half: forward(half, x16),
    ...(xl ? { last: forward(prepared.ours, xl) } : {}),
  });
  // What one forward costs the CPU (encoding + submit) before the GPU runs it.
  const cpuTimes = [];
  await measure(async () => {
    const t0 = performance.now();
    const y = prepared.ours(x);
    await whenSubmitted(device); // validation, encoding and the submit: the CPU's part of a forward
    cpuTimes.push(performance.now() - t0);
    await synchronize(device);
    y.dispose();
  });
  // GPU time of our passes from timestamp-query, where the adapter has it (SwiftShader and GPUs; not llvmpipe).
  const gpuTimes = [];
  if (device.features.has('timestamp-query')) {
    for (let i = 0; i < Math.min(RUNS, 7); i++) gpuTimes.push((await measureGpuTime(device, () => prepared.ours(x).dispose())).ms);
    await synchronize(device);
  }
  add('ours', timings.ours, { semantics: 'PyTorch', cpuOverheadMs: median(cpuTimes), gpuMs: gpuTimes.length ? median(gpuTimes) : null });
  add('ours-float16', timings.half, { semantics: 'PyTorch, float16 storage' });
  x16.dispose();
  if (xl) add('ours-channels-last', timings.last, { semantics: `PyTorch, ${memoryFormat}` });
  else add('ours-channels-last', {}, { note: 'n/a: channels last is a 4-D / 5-D format' });
  xl?.dispose();

  // The floor: the fastest way this device moves the input's bytes, measured here: copyBufferToBuffer (a row of the
  // table) and a vec4 copy kernel (a field of the case); the faster of the two is the case's floor.
  const copyTarget = device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 16), usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.STORAGE });
  add(
    'copy',
    await measure(async () => {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(x.buffer, 0, copyTarget, 0, size * 4);
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    }),
    { semantics: 'copyBufferToBuffer of the input' },
  );
  const copyKernelMs = (await measure(() => copyKernel(x.buffer, copyTarget, size))).medianMs;
  copyTarget.destroy();

  // TF.js WebGPU.
  if (tfjs.unavailable) add('tfjs-webgpu', {}, { note: tfjs.unavailable });
  else if (prepared.tfjs.unsupported) add('tfjs-webgpu', {}, { note: prepared.tfjs.unsupported });
  else {
    const xt = await tfjs.input(data, testCase.shape);
    const y = await tfjs.run(() => prepared.tfjs.run(tfjs.tf, xt));
    const note = check(await tfjs.read(y));
    y.dispose();
    if (note) add('tfjs-webgpu', {}, { note, semantics: prepared.tfjs.semantics });
    else
      add('tfjs-webgpu', await measure(async () => (await tfjs.run(() => tfjs.tf.tidy(() => prepared.tfjs.run(tfjs.tf, xt)))).dispose()), {
        semantics: prepared.tfjs.semantics,
      });
    xt.dispose();
  }

  // ONNX Runtime: the same ONNX graph on WebGPU (ours device) and on the CPU (onnxruntime-node).
  const outputShape = expected.shape;
  const model =
    prepared.onnx.nodes &&
    onnxModel({ nodes: prepared.onnx.nodes, initializers: prepared.onnx.initializers, input: ['x', testCase.shape], output: ['y', outputShape] });
  for (const [impl, peer, feed] of [
    ['ort-web-webgpu', ortWeb, () => ortWeb.input(x)],
    ['ort-node-cpu', ortNode, () => ortNode.input(data, testCase.shape)],
  ]) {
    if (peer.unavailable) add(impl, {}, { note: peer.unavailable });
    else if (prepared.onnx.unsupported) add(impl, {}, { note: prepared.onnx.unsupported });
    else {
      try {
        const session = await peer.session(model);
        const feeds = { x: feed() };
        const y = await peer.run(session, feeds);
        const note = check(await peer.read(y));
        y.dispose?.();
        if (note) add(impl, {}, { note, semantics: prepared.onnx.semantics });
        else add(impl, await measure(async () => (await peer.run(session, feeds)).dispose?.()), { semantics: prepared.onnx.semantics });
        await session.release();
      } catch (error) {
        add(impl, {}, { note: `failed: ${error.message.split('\n')[0]}`, semantics: prepared.onnx.semantics });
      }
    }
  }

  const timed = (impl) => caseResults.find((r) => r.impl === impl)?.medianMs ?? null;
  const peers = ['tfjs-webgpu', 'ort-web-webgpu'].map(timed).filter((v) => v != null);
  const floorMs = Math.min(timed('copy'), copyKernelMs);
  // Bytes a forward must move at least: the input read once and the output written once (float32).
  const bytesMoved = (size + outputShape.reduce((a, b) => a * b, 1)) * 4;
  cases.push({
    case: testCase.name,
    copyKernelMs,
    floorMs,
    floorIs: floorMs === copyKernelMs ? 'copy kernel (vec4)' : 'copyBufferToBuffer',
    bytesMoved,
    oursGBps: bytesMoved / (timed('ours') * 1e6),
    // The floor copies the input: reads and writes it.
    floorGBps: (size * 8) / (floorMs * 1e6),
    ratios: {
      bestWebgpuPeerOverOurs: peers.length ? Math.min(...peers) / timed('ours') : null,
      oursOverFloor: timed('ours') / floorMs,
      float16OverFloat32: timed('ours-float16') / timed('ours'),
      channelsLastOverContiguous: timed('ours-channels-last') == null ? null : timed('ours-channels-last') / timed('ours'),
    },
  });
  results.push(...caseResults);
  prepared.dispose?.();
  x.dispose();
}

// CPU cost per forward, on batch-1 layers (bench/cpuCost.mjs); `--only cpu` runs just this section.
const cpuCost =
  !only || 'cpu cost'.includes(only)
    ? await runCpuCost(device, {
        tfjs,
        ortWeb,
        runs: quick ? 10 : 50,
        log,
        copyKernelCode: readFileSync(new URL('./copy_kernel.wgsl', import.meta.url), 'utf8'),
      })
    : [];

// Hand-offs to and from ONNX Runtime Web and TF.js (bench/handoff.mjs); `--only hand-off` runs just this section.
const handOff = !only || 'hand-off'.includes(only) ? await runHandOff(device, { tfjs, ortWeb, runs: quick ? 5 : 15, seededData, copyKernel }) : [];

// A training step against TF.js's optimizer.minimize and the raw floor (bench/training.mjs); `--only training` runs just this.
const training =
  !only || 'training'.includes(only)
    ? await runTraining(device, { tfjsTraining: await tryLoad('tfjs (training)', () => loadTfjsTraining(device)), measure, seededData, log })
    : [];

const date = new Date().toISOString().slice(0, 10);
const report = {
  adapter,
  date,
  quick,
  runs: RUNS,
  timing: 'wall clock to onSubmittedWorkDone, after warm-up, for every implementation; ours also has gpuMs (timestamp-query) where the adapter supports it',
  cases,
  results,
  cpuCost,
  handOff,
  training,
};
const here = dirname(fileURLToPath(import.meta.url));
// Only a full run writes the table the README quotes; quick and --only runs get their own names.
const base = join(here, 'results', `${adapterName}-${date}${quick ? '-quick' : ''}${only || noPeers ? '-partial' : ''}`);
mkdirSync(dirname(base), { recursive: true });
writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 1)}\n`);
writeFileSync(`${base}.svg`, svgChart(report));
if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(report, null, 1)}\n`);

console.log(
  `\n${[adapter.description, adapter.vendor, adapter.architecture, adapter.device].filter(Boolean).join(', ')}, ${date}: median (min–max) ms over ${RUNS} runs\n`,
);
console.log(markdownTable(report));
console.log(`\n${notes(report)}`);
console.log(`\n${oursDetail(report)}`);
if (cpuCost.length) console.log(`\nCPU cost per forward (µs, median (min–max)):\n\n${cpuCostTable(cpuCost)}`);
if (handOff.length) console.log(`\nHand-offs (wall time until the GPU is done, median):\n\n${handOffTable(handOff)}`);
if (training.length) console.log(`\nA training step (to the GPU's end; median (min–max) ms):\n\n${trainingTable(training)}`);
console.log(
  `\nwrote ${relative(process.cwd(), base)}.json and .svg${jsonPath ? ` and ${jsonPath}` : ''} in ${((performance.now() - benchStart) / 1000).toFixed(0)} s`,
);
device.destroy();
process.exit(0);
