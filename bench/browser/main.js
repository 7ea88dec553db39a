// The "CPU cost per forward" section in the browser (bench/chromium.mjs opens this page in headless Chromium):
// ours against the raw floor on the page's WebGPU. The peers are measured in Node (npm run bench).
import { requestBrowserDevice } from 'webgpu-layers';
import copyKernelCode from '../copy_kernel.wgsl?raw';
import { runCpuCost } from '../cpuCost.mjs';

const log = (text) => {
  document.getElementById('log').textContent += `${text}\n`;
  console.log(text);
};
const notHere = { unavailable: 'measured in Node only (npm run bench)' };
try {
  const { device, label } = await requestBrowserDevice();
  log(`${label}; cross-origin isolated: ${globalThis.crossOriginIsolated}`);
  const runs = Number(new URLSearchParams(location.search).get('runs') ?? 50);
  const rows = await runCpuCost(device, { tfjs: notHere, ortWeb: notHere, runs, log, copyKernelCode });
  document.body.dataset.result = JSON.stringify({ adapter: label, rows });
} catch (error) {
  document.body.dataset.error = String(error);
}
