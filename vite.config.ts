// Library build of the two entries (WGSL bundled as strings via `?raw`) and the vitest config: one project
// runs the suites in Node on Dawn, the other runs the kernel and layer suites inside Chromium on its WebGPU.
import { builtinModules } from 'node:module';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './test/helpers/chromium.mjs';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    lib: {
      entry: { index: 'src/index.ts', node: 'src/node.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: ['webgpu', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    },
  },
  test: {
    // Examples import the package by name; in tests that is the source, so there is one Tensor class.
    alias: [
      { find: /^webgpu-layers\/node$/, replacement: new URL('./src/node.ts', import.meta.url).pathname },
      { find: /^webgpu-layers$/, replacement: new URL('./src/index.ts', import.meta.url).pathname },
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          // Each file creates its own Dawn devices; two cores run two files at once at most.
          maxWorkers: 2,
          // ONNX Runtime Web's wasm (test/interop.test.ts): V8's optimizing wasm compiler takes a minute on it.
          execArgv: ['--liftoff-only'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          sequence: { groupOrder: 1 }, // after the Node suites, not beside them: the machine has two cores
          // The same suites as in Node, where they need no Node APIs.
          include: [
            'test/ops/**/*.test.ts',
            'test/nn/**/*.test.ts',
            'test/runtime/**/*.test.ts',
            'test/safetensors.test.ts',
            'test/autograd/**/*.test.ts',
            'test/core/**/*.test.ts',
            'test/optim/**/*.test.ts',
            'test/fuzz.test.ts',
          ],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
