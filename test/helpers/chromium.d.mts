// Types of chromium.mjs (plain JavaScript, so that bench/chromium.mjs can use it under Node 20 too).
export const CHROMIUM_PATH: string;
export const WEBGPU_ARGS: string[];
export const NO_WEBGPU_ARGS: string[];
