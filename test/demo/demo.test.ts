// The in-page demo end to end: vite serves it on 127.0.0.1, Debian's Chromium (WebGPU on SwiftShader) loads
// it, the test drives its controls and checks what it shows, and takes a screenshot. A second run with WebGPU
// switched off checks the CPU fallback.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_PATH, NO_WEBGPU_ARGS, WEBGPU_ARGS } from '../helpers/chromium.mjs';

let server: ViteDevServer;
let url: string;

beforeAll(async () => {
  server = await createServer({ configFile: 'vite.demo.config.ts', server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  url = server.resolvedUrls!.local[0]!;
});
afterAll(() => server?.close());

async function openDemo(args: string[]): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
  const page = await browser.newPage({ viewport: { width: 1100, height: 1800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  return { browser, page, errors };
}

/** Sets an input's value and fires `change`, as a user editing the field does. */
async function setField(page: Page, selector: string, value: string) {
  await page.fill(selector, value);
  await page.dispatchEvent(selector, 'change');
}

const maxDiff = (text: string) => Number(/max \|GPU − CPU reference\| = ([0-9.e+-]+)/.exec(text)?.[1]);

describe('the demo on WebGPU', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ browser, page, errors } = await openDemo(WEBGPU_ARGS));
  });
  afterAll(() => browser?.close());

  test("runs on the browser's WebGPU and pools the picture as the CPU reference does", async () => {
    expect(await page.textContent('#backend')).toMatch(/^WebGPU on /);
    expect(await page.textContent('#inputShape')).toBe('input [1, 3, 64, 64]');
    expect(await page.textContent('#outputShape')).toBe('output [1, 3, 32, 32]'); // AvgPool2d(3, 2, 1)
    expect(maxDiff((await page.textContent('#result'))!)).toBeLessThan(1e-5);
  });

  test("changing the parameters recomputes; ceil mode follows PyTorch's last-window rule", async () => {
    await setField(page, '#size', '5');
    await page.check('#ceil');
    await page.dispatchEvent('#ceil', 'change');
    await expect.poll(() => page.textContent('#outputShape')).toBe('output [1, 3, 3, 3]'); // ceil((5+2-3)/2)+1 = 3
    expect(maxDiff((await page.textContent('#result'))!)).toBeLessThan(1e-5);
    await setField(page, '#size', '64');
  });

  test("invalid settings show PyTorch's error in the page, even when a slower earlier run finishes after it", async () => {
    await setField(page, '#size', '256'); // a larger picture: this run is still going when the next change lands
    await setField(page, '#padH', '2');
    await page.waitForSelector('#result[data-pending="0"]');
    expect(await page.textContent('#result')).toBe(
      'RuntimeError: pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1',
    );
    expect(await page.getAttribute('#result', 'class')).toContain('error');
    await setField(page, '#padH', '1');
    await setField(page, '#size', '64');
    await page.waitForSelector('#result[data-pending="0"]');
    expect(await page.getAttribute('#result', 'class')).toBe('result');
    expect(await page.textContent('#inputShape')).toBe('input [1, 3, 64, 64]');
  });

  test('training a head in the page: the loss falls and held-out accuracy beats chance; the weights download', async () => {
    const result = '#trainResult[data-held-out-accuracy]';
    await page.waitForSelector(result, { state: 'attached', timeout: 120_000 });
    const first = Number(await page.getAttribute(result, 'data-first-loss'));
    const last = Number(await page.getAttribute(result, 'data-last-loss'));
    expect(last).toBeLessThan(first / 2);
    expect(Number(await page.getAttribute(result, 'data-held-out-accuracy'))).toBeGreaterThan(1 / 3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('head.safetensors');
  });

  test("the network panel: ORT-web's WebGPU backbone and the kit's layers give PyTorch's logits, one upload and one readback", async () => {
    await page.waitForSelector('#networkResult[data-max-diff]', { state: 'attached', timeout: 120_000 });
    expect(Number(await page.getAttribute('#networkResult', 'data-max-diff'))).toBeLessThan(1e-4);
    // The explorer's picture goes through the same network: the weights are on the GPU by now.
    await page.check('input[name="networkInput"][value="explorer"]');
    await page.dispatchEvent('input[name="networkInput"][value="explorer"]', 'change');
    await expect.poll(() => page.getAttribute('#networkResult', 'data-max-diff')).toBeNull();
    await page.waitForSelector('#networkResult[data-pending="0"]');
    expect(await page.textContent('#networkResult')).toContain('1 upload (the pixels), 1 readback (the logits)');
    expect((await page.getAttribute('#networkResult', 'data-logits'))!.split(',')).toHaveLength(10);
    expect(await page.getAttribute('#networkResult', 'class')).toBe('result');
  });

  test('AdaptiveAvgPool2d with a None member', async () => {
    await page.check('input[name="op"][value="adaptive"]');
    await page.dispatchEvent('input[name="op"][value="adaptive"]', 'change');
    await setField(page, '#outH', '');
    await expect.poll(() => page.textContent('#outputShape')).toBe('output [1, 3, 64, 7]');
    expect(maxDiff((await page.textContent('#result'))!)).toBeLessThan(1e-5);
  });

  test('MaxPool2d with dilation and ceil mode, and AdaptiveMaxPool2d: values match the reference, the indices are drawn', async () => {
    await page.check('input[name="op"][value="max"]');
    await page.dispatchEvent('input[name="op"][value="max"]', 'change');
    await setField(page, '#dilH', '2');
    await page.check('#ceil');
    await page.dispatchEvent('#ceil', 'change');
    // kernel 3, stride 2, padding 1, dilation (2, 1), ceil mode on 64×64: H: floor((64+2-5+1)/2)+1 = 32,
    // W: floor((64+2-3+1)/2)+1 = 33 (its last window starts at 63, inside the input, so ceil mode keeps it).
    await expect.poll(() => page.textContent('#outputShape')).toBe('output [1, 3, 32, 33]');
    await page.waitForSelector('#result[data-pending="0"]');
    expect(maxDiff((await page.textContent('#result'))!)).toBe(0);
    expect(await page.isVisible('#indices')).toBe(true);
    expect(await page.textContent('#indicesShape')).toBe('indices [1, 3, 32, 33] (int32): the argmax within its window, right → red, down → green');
    await setField(page, '#padH', '3'); // over half the effective kernel (5): PyTorch's error
    await page.waitForSelector('#result[data-pending="0"]');
    expect(await page.textContent('#result')).toBe(
      'RuntimeError: pad should be at most half of effective kernel size, but got pad=3, kernel_size=3 and dilation=2',
    );
    expect(await page.isVisible('#indices')).toBe(false);
    await setField(page, '#padH', '1');
    await setField(page, '#dilH', '1');
    await page.uncheck('#ceil');
    await page.dispatchEvent('#ceil', 'change');
    await page.check('input[name="op"][value="adaptiveMax"]');
    await page.dispatchEvent('input[name="op"][value="adaptiveMax"]', 'change');
    await expect.poll(() => page.textContent('#indicesShape')).toBe('indices [1, 3, 64, 7] (int32): the argmax within its window, right → red, down → green');
    expect(maxDiff((await page.textContent('#result'))!)).toBe(0);
    await page.check('input[name="op"][value="avg"]');
    await page.dispatchEvent('input[name="op"][value="avg"]', 'change');
    await page.waitForSelector('#result[data-pending="0"]');
  });

  test("the seed's lesson: the fixed head fails on the 448 image with PyTorch's message, the adaptive head works", async () => {
    const cells = await page.$$eval('#lessonRows td[data-size]', (tds) => tds.map((td) => `${td.className}: ${td.textContent}`));
    expect(cells).toHaveLength(4);
    expect(cells.slice(0, 3).every((c) => c.startsWith('ok: torch.Size([1, 1000])'))).toBe(true);
    expect(cells[3]).toBe('fail: RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x32768 and 512x1000)');
  });

  test('SE attention shows 16 channel weights in (0, 1), matching the CPU reference', async () => {
    await page.waitForSelector('#seResult[data-pending="0"]');
    const gate = (await page.getAttribute('#seResult', 'data-gate'))!.split(',').map(Number);
    expect(gate).toHaveLength(16);
    expect(gate.every((v) => v > 0 && v < 1)).toBe(true);
    expect(maxDiff((await page.textContent('#seResult'))!)).toBeLessThan(1e-5);
    // It follows the explorer's picture: another picture gives other weights, pooling parameters do not.
    await page.selectOption('#picture', 'rings');
    await page.waitForSelector('#seResult[data-pending="0"]');
    const rings = await page.getAttribute('#seResult', 'data-gate');
    expect(rings).not.toBe(gate.map((v) => v.toFixed(4)).join(','));
    expect(maxDiff((await page.textContent('#seResult'))!)).toBeLessThan(1e-5);
    await setField(page, '#kernelH', '2');
    await page.waitForSelector('#result[data-pending="0"]');
    expect(await page.getAttribute('#seResult', 'data-pending')).toBe('0');
    expect(await page.getAttribute('#seResult', 'data-gate')).toBe(rings);
    await setField(page, '#kernelH', '3');
    await page.selectOption('#picture', 'card');
    await page.waitForSelector('#result[data-pending="0"]');
  });

  test('a screenshot shows the pictures drawn', async () => {
    mkdirSync('test-results', { recursive: true });
    const shot = await page.screenshot({ path: 'test-results/demo.png', fullPage: true });
    expect(shot.byteLength).toBeGreaterThan(20_000);
    // The output canvas holds an image, not a blank: its pixels vary.
    const spread = await page.$eval('#output', (canvas) => {
      const pixels = (canvas as HTMLCanvasElement)
        .getContext('2d')!
        .getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height).data;
      let lo = 255;
      let hi = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        lo = Math.min(lo, pixels[i]!);
        hi = Math.max(hi, pixels[i]!);
      }
      return hi - lo;
    });
    expect(spread).toBeGreaterThan(50);
    expect(errors).toEqual([]);
  });
});

test('without WebGPU the page says so and runs on the CPU reference', async () => {
  const { browser, page, errors } = await openDemo(NO_WEBGPU_ARGS);
  try {
    expect(await page.textContent('#backend')).toMatch(/^No WebGPU: .*Everything below runs on the CPU reference instead\.$/);
    expect(await page.textContent('#outputShape')).toBe('output [1, 3, 32, 32]');
    expect(await page.textContent('#result')).toMatch(/^CPU time /);
    expect(await page.$eval('#lessonRows', (t) => t.textContent)).toContain('mat1 and mat2 shapes cannot be multiplied (1x32768 and 512x1000)');
    expect(await page.textContent('#networkResult')).toMatch(/^This panel needs WebGPU/);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
