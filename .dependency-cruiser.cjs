// The layering of src/ (shared/DESIGN.md, "Layout"): core → runtime → ops/<family> → nn, with io/ and device/ beside
// nn. `npm run lint` fails on a back-arrow or an import cycle (type-only imports are erased, so they cannot form a
// runtime cycle; they are still held to the layers where noted).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle: modules that load each other (type-only imports excepted).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'runtime-knows-no-op',
      severity: 'error',
      comment: 'The runtime imports nothing above it: each op registers its own strategies and autotune workload.',
      from: { path: '^src/runtime/' },
      to: { path: '^src/(core/tensor|ops|nn|io|device)[./]' },
    },
    {
      name: 'core-imports-no-layer-above',
      severity: 'error',
      comment: 'core/ (Tensor, shapes, errors) may use the runtime, and name op types, but loads no op, module, io or device code.',
      from: { path: '^src/core/' },
      to: { path: '^src/(ops|nn|io|device)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'autograd-below-ops',
      severity: 'error',
      comment: 'The graph (autograd/) imports core and the runtime only: ops record into it, it knows no op.',
      from: { path: '^src/autograd/' },
      to: { path: '^src/(ops|nn|optim|io|device)/' },
    },
    {
      name: 'ops-import-core-and-runtime',
      severity: 'error',
      comment: 'An op family imports core/, runtime/ and other op families, never modules, io or device code.',
      from: { path: '^src/ops/' },
      to: { path: '^src/(nn|io|device)/' },
    },
    {
      name: 'nn-only-from-entries-device-io',
      severity: 'error',
      comment: 'Nothing imports nn/ but nn itself, models/ (networks of modules), the entry points, device/ (autotune), io/ and optim/ (its parameters, as types).',
      from: { path: '^src/', pathNot: '^src/(nn|models|io|device|optim)/|^src/(index|node)\\.ts$' },
      to: { path: '^src/nn/' },
    },
    {
      name: 'models-only-from-entries',
      severity: 'error',
      comment: 'Whole networks sit on top: only models/ itself and the entry points import them.',
      from: { path: '^src/', pathNot: '^src/models/|^src/(index|node)\\.ts$' },
      to: { path: '^src/models/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '\\.wgsl\\?raw$|^(webgpu|@webgpu/types|onnxruntime-web/webgpu|@tensorflow/tfjs-core)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.wgsl' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
