// Debian's Chromium (no browser download) with the flags that make WebGPU work on SwiftShader, headless.
// Chromium keeps only the last --enable-features, so Playwright's own features are repeated in it.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies,Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=vulkan',
  '--disable-quic',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The same browser with WebGPU switched off, to see the demo fall back to the CPU reference. */
export const NO_WEBGPU_ARGS = [
  '--disable-features=WebGPU',
  '--disable-quic',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
