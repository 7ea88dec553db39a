// A kernel is declared once: its name, its WGSL body (shaders/<name>.wgsl), its storage bindings and the typed
// fields of its `struct Params`. From that one declaration come the WGSL declarations (the shared prelude, the
// struct, the bindings in order: inputs, outputs, params) and the packer of the uniform, so the shader and its
// launcher can never disagree on the layout. Kernels that run in pieces of planes (src/runtime/planeChunks.ts) get
// the piece's offsets as two more fields, `inputBase` and `outputBase`, filled from the piece by the launcher.
import half from '../../shaders/runtime/half.wgsl?raw';
import prelude from '../../shaders/runtime/prelude.wgsl?raw';

/**
 * The length of a workgroup array that holds `values` floats: the next power of two from 64, passed as an override
 * constant. WebGPU zero-fills workgroup memory at the start of every workgroup, and SwiftShader compiles a large
 * array slowly, so a kernel sized for its largest case costs every workgroup of every smaller one: the SE
 * excitation's fixed 12 KiB took 0.1 ms per workgroup on SwiftShader (35,000 samples: 11 s, sized: 0.9 s), the
 * fused head's 16 KiB three seconds to compile. Powers of two keep it to a few pipelines per kernel strategy.
 */
export function workgroupArraySize(values: number): number {
  return Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, values))));
}

export type FieldType = 'u32' | 'i32' | 'f32';
export type ParamFields = Readonly<Record<string, FieldType>>;
export type ParamValues<F extends ParamFields> = { readonly [K in keyof F]: number };

export interface BindingSpec {
  name: string;
  access: 'read' | 'read_write';
  /** The array's element type (default f32). */
  element?: 'f32' | 'vec4<f32>' | 'u32' | 'vec2<u32>' | 'i32' | 'vec4<i32>' | 'atomic<i32>';
}

export interface KernelSpec<F extends ParamFields> {
  /** The shader's file name without .wgsl, e.g. `avg_pool2d`; also its label in WebGPU errors. */
  name: string;
  /** The WGSL body: functions and `@compute fn main(id: Invocation)`, using `params` and the bindings by name. */
  source: string;
  /** Storage bindings in binding order: inputs, then outputs. The params uniform comes after them. */
  bindings: readonly BindingSpec[];
  params: F;
  /** Runs in pieces of planes: adds `inputBase` and `outputBase` (f32 elements) to the params. */
  chunked?: boolean;
  /** WGSL the body calls, placed before it (e.g. the activation functions). */
  libraries?: readonly string[];
}

export interface Kernel<F extends ParamFields = ParamFields> {
  readonly name: string;
  /** A number of its own, for cache keys. */
  readonly id: number;
  /** The full WGSL: prelude, generated declarations, libraries, body. */
  readonly code: string;
  /** Lines before the body, to report compile errors at the body's own line numbers. */
  readonly bodyLine: number;
  readonly bindingCount: number;
  readonly chunked: boolean;
  /**
   * The `struct Params` bytes (16-byte multiple) of `values`, as u32 words, in a scratch array the next call
   * overwrites (the params cache copies it when it makes a buffer).
   */
  pack(values: ParamValues<F> & ChunkOffsets): Uint32Array;
}

export interface ChunkOffsets {
  readonly inputBase?: number;
  readonly outputBase?: number;
}

const CHUNK_FIELDS = { inputBase: 'u32', outputBase: 'u32' } as const;

let kernels = 0;

export function defineKernel<const F extends ParamFields>(spec: KernelSpec<F>): Kernel<F> {
  const fields = Object.entries(spec.chunked ? { ...spec.params, ...CHUNK_FIELDS } : spec.params) as [string, FieldType][];
  const declarations = [
    `struct Params {\n${fields.map(([name, type]) => `  ${name}: ${type},`).join('\n')}\n}`,
    ...spec.bindings.map((b, i) => `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.element ?? 'f32'}>;`),
    `@group(0) @binding(${spec.bindings.length}) var<uniform> params: Params;`,
  ].join('\n');
  const head = [prelude, `// Generated from the ${spec.name} kernel's declaration (src/kernels/).`, declarations, ...(spec.libraries ?? [])].join('\n');
  // One scratch array per kernel: packing a forward's params allocates nothing.
  const packed = new Uint32Array(Math.ceil(fields.length / 4) * 4);
  const asInt = new Int32Array(packed.buffer);
  const asFloat = new Float32Array(packed.buffer);
  return {
    name: spec.name,
    id: ++kernels,
    code: `${head}\n${spec.source}`,
    bodyLine: head.split('\n').length,
    bindingCount: spec.bindings.length,
    chunked: spec.chunked ?? false,
    pack(values) {
      for (let i = 0; i < fields.length; i++) {
        const [name, type] = fields[i]!;
        const value = (values as Record<string, number | undefined>)[name];
        if (value === undefined) throw new Error(`webgpu-layers: kernel ${spec.name} was launched without its "${name}" parameter`);
        if (type === 'u32') packed[i] = value;
        else if (type === 'i32') asInt[i] = value;
        else asFloat[i] = value;
      }
      return packed;
    },
  };
}

/** Which storage bindings of a kernel hold float16 values (packed halves) in its `_f16` variant. */
export interface HalfBindings {
  /** Bindings read as halves (f32 or vec4<f32> elements): every `name[i]` reads element (or vec4) i, widened to f32. */
  reads: readonly string[];
  /**
   * vec4<f32> bindings written as halves: every `name[i] = value;` stores four halves, two whole words, rounded to
   * nearest even (an invocation owns the words it writes). Scalar outputs stay f32: a half store would share its word.
   */
  writes?: readonly string[];
}

/** The WGSL of half storage (halfBits, packHalf4, unpackHalf4), for kernels that convert on their own. */
export const HALF_LIBRARY = half;

const HALF_ELEMENTS = { f32: 'u32', 'vec4<f32>': 'vec2<u32>' } as const;

/**
 * The spec's float16 variant, named `<name>_f16`: the storage bindings of `halves` hold float16 values packed two to a
 * u32 (element 2i in the low half; shaders/runtime/half.wgsl). Reads widen to f32 (exact) and writes round once, so
 * the body's arithmetic stays f32, as PyTorch's CUDA half kernels accumulate.
 */
export function withHalves<F extends ParamFields>(spec: KernelSpec<F>, halves: HalfBindings): KernelSpec<F> {
  const writes = halves.writes ?? [];
  let source = spec.source;
  const accessors: string[] = [];
  for (const name of writes) {
    const binding = spec.bindings.find((b) => b.name === name);
    if (binding?.element !== 'vec4<f32>') throw new Error(`webgpu-layers: ${spec.name}: only vec4<f32> bindings are written as halves, not ${name}`);
    source = source.replace(new RegExp(`\\b${name}\\[([^\\[\\]]*)\\]\\s*=\\s*([^;]*);`, 'g'), `${name}[$1] = packHalf4($2);`);
  }
  for (const name of halves.reads) {
    const element = spec.bindings.find((b) => b.name === name)?.element ?? 'f32';
    if (!(element in HALF_ELEMENTS)) throw new Error(`webgpu-layers: ${spec.name}: ${name} holds ${element}, not floats`);
    const vector = element === 'vec4<f32>';
    source = source.replace(new RegExp(`\\b${name}\\[([^\\[\\]]*)\\]`, 'g'), `${name}Half($1)`);
    accessors.push(
      vector
        ? `fn ${name}Half(i: u32) -> vec4f { return unpackHalf4(${name}[i]); }`
        : `fn ${name}Half(i: u32) -> f32 { return unpack2x16float(${name}[i >> 1u] >> ((i & 1u) * 16u)).x; }`,
    );
  }
  const halved = new Set([...halves.reads, ...writes]);
  return {
    ...spec,
    name: `${spec.name}_f16`,
    source,
    bindings: spec.bindings.map((b) => (halved.has(b.name) ? { ...b, element: HALF_ELEMENTS[(b.element ?? 'f32') as keyof typeof HALF_ELEMENTS] } : b)),
    libraries: [...(spec.libraries ?? []), half, ...accessors],
  };
}
