// The package as a user gets it: `npm pack`, installed from the tarball into an empty project (no workspace
// links, its dependencies from the registry), then used three ways: the README's example as Node ESM, a strict
// TypeScript consumer, and a Vite browser build of a page that imports the kit, run in Chromium's WebGPU.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './helpers/chromium.mjs';

const root = resolve(import.meta.dirname, '..');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const node = (args: string[], cwd: string) =>
  execFileSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
/** PyTorch 1.13's AvgPool2d(3, 2, 1, ceil_mode=True) on 1..16 as 1×1×4×4 (shared/REFERENCE.md). */
const CONFORMANCE = [1.5555556, 3.3333333, 2, 6.3333335, 11, 6, 4.5, 7.5, 4];

let dir: string;
let tarball: string;
/** A fresh project with the tarball (and `extra` packages) installed. */
function project(name: string, extra: string[] = []): string {
  const path = join(dir, name);
  mkdirSync(path);
  writeFileSync(join(path, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  // Install scripts are not needed: Dawn's binaries ship inside the `webgpu` package.
  npm(['install', tarball, ...extra, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], path);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webgpu-layers-consumer-'));
  npm(['run', 'build', '--silent'], root); // what `prepack` does; run apart so `npm pack --json` prints only JSON
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir, '--loglevel=error'], root)) as { filename: string }[];
  tarball = join(dir, packed[0]!.filename);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed package in an empty project', () => {
  let app: string;
  beforeAll(() => {
    app = project('app', [`webgpu@${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).peerDependencies.webgpu}`]);
  }, 300_000);

  test("the README's example runs as Node ESM", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    writeFileSync(join(app, 'example.mjs'), example);
    const output = node(['example.mjs'], app);
    expect(output).toContain('[ 1, 64, 5, 7 ]');
  });

  test('a strict TypeScript consumer type-checks against the declaration files', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { Tensor, nn, F, memoryStats, WebGPULayersError, type MemoryStats } from 'webgpu-layers';
import { requestDevice } from 'webgpu-layers/node';

export async function run(): Promise<number[]> {
  const device: GPUDevice = await requestDevice({ quiet: true, autotune: false });
  const x: Tensor = Tensor.fromArray(device, new Float32Array(64), [1, 1, 8, 8]);
  const pool = new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true });
  const y = F.relu(pool.forward(x));
  const values: Float32Array = await y.toArray();
  // Max pooling's indices are typed: [values, int32 indices] with returnIndices, one tensor without.
  const [pooled, indices] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
  const argmax: Int32Array = await indices.toArray();
  const restored: Tensor = new nn.MaxUnpool2d(2).forward(pooled, indices, [8, 8]);
  const [, flat] = F.maxPool1d(Tensor.fromArray(device, new Float32Array(8), [1, 1, 8]), 2, { returnIndices: true });
  const plain: Tensor = F.adaptiveMaxPool2d(x, [null, 3]);
  console.log(argmax.length, restored.shape, flat.dtype, plain.shape);
  const stats: MemoryStats = memoryStats(device);
  try {
    x.dispose();
    F.relu(x);
  } catch (error) {
    if (error instanceof WebGPULayersError && error.code === 'disposed') console.log(stats.allocatedBytes);
  }
  return [...values];
}
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [
      '--strict',
      '--noEmit',
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      'false',
      'consumer.ts',
    ];
    let output = '';
    try {
      output = node([tsc, ...args], app);
    } catch (error) {
      output = `${(error as { stdout?: string }).stdout ?? ''}${(error as Error).message}`;
    }
    expect(output).toBe('');
  });

  test('a Vite build of a page that imports the kit runs in Chromium on WebGPU', async () => {
    writeFileSync(join(app, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>');
    writeFileSync(
      join(app, 'main.js'),
      `import { Tensor, nn, requestBrowserDevice } from 'webgpu-layers';
try {
  const device = await requestBrowserDevice({ autotune: false });
  const x = Tensor.fromArray(device, Float32Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4]);
  const y = new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }).forward(x);
  document.body.dataset.result = JSON.stringify(Array.from(await y.toArray()));
} catch (error) {
  document.body.dataset.error = String(error);
}
`,
    );
    await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: 'dist', target: 'es2022' } });
    const server = await preview({ root: app, configFile: false, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(server.resolvedUrls!.local[0]!);
      await page.waitForSelector('body[data-result], body[data-error]', { state: 'attached', timeout: 60_000 });
      expect(await page.getAttribute('body', 'data-error')).toBeNull();
      expect(errors).toEqual([]);
      const result = JSON.parse((await page.getAttribute('body', 'data-result'))!) as number[];
      result.forEach((v, i) => expect(v).toBeCloseTo(CONFORMANCE[i]!, 5));
    } finally {
      await browser.close();
      await new Promise((done) => server.httpServer.close(done));
    }
  });
});

test("without the 'webgpu' peer, webgpu-layers/node imports and then says what to install", () => {
  const bare = project('bare');
  const output = node(
    ['--input-type=module', '-e', "import('webgpu-layers/node').then((m) => m.requestDevice()).catch((e) => console.log(e.code, e.message))"],
    bare,
  );
  expect(output.trim()).toBe("no-adapter webgpu-layers: webgpu-layers/node needs Dawn for Node, the 'webgpu' package (a peer dependency): npm install webgpu");
}, 300_000);
