// Measures the kit's pooling kernels on each software adapter Dawn can use here (SwiftShader, llvmpipe),
// to choose the default software adapter of requestDevice(). Run: npm run bench:adapters
// Wall time from submit to onSubmittedWorkDone (llvmpipe has no timestamp-query), median of the runs.
import { F, Tensor } from 'webgpu-layers';
import { median } from './stats.mjs';
import { requestDevice } from 'webgpu-layers/node';

const CASES = [
  { name: 'seed AdaptiveAvgPool2d((5,7)) [1,64,8,9]', shape: [1, 64, 8, 9], run: (x) => F.adaptiveAvgPool2d(x, [5, 7]) },
  { name: 'seed AdaptiveAvgPool2d(7) [1,64,10,9]', shape: [1, 64, 10, 9], run: (x) => F.adaptiveAvgPool2d(x, 7) },
  { name: 'seed AdaptiveAvgPool2d(1) [1,64,10,9]', shape: [1, 64, 10, 9], run: (x) => F.adaptiveAvgPool2d(x, 1) },
  { name: 'global pool [8,256,56,56]', shape: [8, 256, 56, 56], run: (x) => F.adaptiveAvgPool2d(x, 1) },
  { name: 'AvgPool2d(3,2,1) [8,64,112,112]', shape: [8, 64, 112, 112], run: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }) },
  { name: 'AdaptiveAvgPool2d(7) [8,512,14,14]', shape: [8, 512, 14, 14], run: (x) => F.adaptiveAvgPool2d(x, 7) },
];
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function timeCase(device, testCase) {
  const size = testCase.shape.reduce((a, b) => a * b, 1);
  const x = Tensor.fromArray(
    device,
    Float32Array.from({ length: size }, (_, i) => (i % 97) / 97),
    testCase.shape,
  );
  const warm = testCase.run(x);
  await warm.toArray(); // compiles the pipeline and checks the path runs
  warm.dispose();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const y = testCase.run(x);
    await y.toArray();
    times.push(performance.now() - start);
    y.dispose();
  }
  x.dispose();
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const results = {};
for (const adapter of ['swiftshader', 'llvmpipe']) {
  const device = await requestDevice({ adapter });
  results[adapter] = {};
  for (const testCase of CASES) {
    process.stderr.write(`  ${adapter}: ${testCase.name} ...\n`);
    results[adapter][testCase.name] = await timeCase(device, testCase);
  }
  device.destroy();
}

const fmt = (t) => `${t.median.toFixed(2)} (${t.min.toFixed(2)}–${t.max.toFixed(2)})`;
console.log(`\n| case | swiftshader ms | llvmpipe ms | swiftshader / llvmpipe |\n|---|---|---|---|`);
for (const testCase of CASES) {
  const s = results.swiftshader[testCase.name];
  const l = results.llvmpipe[testCase.name];
  console.log(`| ${testCase.name} | ${fmt(s)} | ${fmt(l)} | ${(s.median / l.median).toFixed(2)} |`);
}
console.log(`\nmedian (min–max) of ${RUNS} runs, wall time including readback, ${new Date().toISOString().slice(0, 10)}`);
process.exit(0);
