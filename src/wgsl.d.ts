// WGSL sources are imported as strings through vite's `?raw` and bundled into dist.
declare module '*.wgsl?raw' {
  const code: string;
  export default code;
}
