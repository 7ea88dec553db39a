// The in-page demo: `npm run demo` serves it on 127.0.0.1, `npm run build:demo` writes dist-demo/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./demo', import.meta.url)),
  base: './',
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  // The examples the demo shares import the package by name: here that is the source, one copy of the kit.
  resolve: {
    alias: [
      { find: /^webgpu-layers\/node$/, replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
      { find: /^webgpu-layers$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  // ONNX Runtime Web (the network panel) is served as it ships; its wasm path is set from a ?url import.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { outDir: fileURLToPath(new URL('./dist-demo', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
