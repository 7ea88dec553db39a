// npm run bench:chromium [-- --quick]: the "CPU cost per forward" section in headless Chromium (Debian's, WebGPU on
// SwiftShader here, a GPU where there is one), served by vite from bench/browser. Prints the table and writes
// bench/results/chromium-<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../test/helpers/chromium.mjs';
import { cpuCostTable } from './report.mjs';

const quick = process.argv.includes('--quick');
const src = (path) => new URL(`../src/${path}`, import.meta.url).pathname;
const server = await createServer({
  root: new URL('./browser', import.meta.url).pathname,
  configFile: false,
  logLevel: 'error',
  // Cross-origin isolated, so performance.now() has 5 µs resolution rather than 100 µs.
  server: { port: 0, host: '127.0.0.1', headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  resolve: { alias: [{ find: /^webgpu-layers$/, replacement: src('index.ts') }] },
});
await server.listen();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS });
try {
  const page = await browser.newPage();
  page.on('console', (message) => process.stderr.write(`${message.text()}\n`));
  await page.goto(`${server.resolvedUrls.local[0]}?runs=${quick ? 10 : 50}`);
  await page.waitForSelector('body[data-result], body[data-error]', { state: 'attached', timeout: 600_000 });
  const error = await page.getAttribute('body', 'data-error');
  if (error) throw new Error(error);
  const { adapter, rows } = JSON.parse(await page.getAttribute('body', 'data-result'));
  const date = new Date().toISOString().slice(0, 10);
  const file = new URL(`./results/chromium-${date}${quick ? '-quick' : ''}.json`, import.meta.url).pathname;
  mkdirSync(new URL('./results', import.meta.url).pathname, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ adapter, date, browser: browser.version(), cpuCost: rows }, null, 1)}\n`);
  console.log(`\nChromium ${browser.version()}, ${adapter}, ${date}: CPU cost per forward (µs, median (min–max))\n\n${cpuCostTable(rows)}`);
} finally {
  await browser.close();
  await server.close();
}
