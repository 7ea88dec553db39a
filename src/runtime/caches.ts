// The per-device caches that keep a steady-state forward from creating GPU objects: kernel parameter
// uniforms (one buffer per kernel and packed plan, written once at creation) and bind groups (one per
// pipeline and set of bound windows). Both are bounded, least recently used first out; a cached object that
// a recorded, not yet submitted, command may use is only dropped after that submit.
import { invalidateCaptures } from './captureGeneration.js';
import type { DeviceContext } from './context.js';

/** Entries kept per cache: thousands of distinct plans (shapes) before the oldest are dropped. */
export const CACHE_ENTRIES = 2048;

/** A Map used as an LRU: a hit moves the entry to the end; the first entry is the oldest. */
function touch<K, V>(map: Map<K, V>, key: K): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

/** A cached params uniform: its kernel, its contents (to tell hash collisions apart) and the buffer. */
interface ParamsEntry {
  kernel: number;
  words: Uint32Array;
  buffer: GPUBuffer;
}

/** FNV-1a over a kernel's id and its packed params: a number key, so a forward builds no strings. */
function hashParams(kernel: number, words: Uint32Array): number {
  let hash = (0x811c9dc5 ^ kernel) >>> 0;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i]!, 0x01000193) >>> 0;
  return hash;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal Uniform buffers of packed `struct Params`, keyed by kernel and contents. */
export class ParamsCache {
  readonly #context: DeviceContext;
  /** Entries by hash (a short list where hashes collide), least recently used first. */
  readonly #buffers = new Map<number, ParamsEntry[]>();
  #entries = 0;
  bytes = 0;

  constructor(context: DeviceContext) {
    this.#context = context;
  }

  /** A uniform buffer holding `words` for `kernel`: created (mapped, no writeBuffer) on first use of a plan. */
  get(kernel: { id: number; name: string }, words: Uint32Array): GPUBuffer {
    const hash = hashParams(kernel.id, words);
    const entries = touch(this.#buffers, hash);
    if (entries) {
      for (const entry of entries) if (entry.kernel === kernel.id && sameWords(entry.words, words)) return entry.buffer;
    }
    const buffer = this.#context.createBuffer({
      size: words.byteLength,
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
      label: `${kernel.name} params`,
    });
    new Uint32Array(buffer.getMappedRange()).set(words);
    buffer.unmap();
    const entry = { kernel: kernel.id, words: words.slice(), buffer }; // copies: `words` is the kernel's scratch array
    if (entries) entries.push(entry);
    else this.#buffers.set(hash, [entry]);
    this.#entries++;
    this.bytes += buffer.size;
    if (this.#entries > CACHE_ENTRIES) this.#evictOldest();
    return buffer;
  }

  #evictOldest(): void {
    invalidateCaptures(); // captured forwards may bind it
    const [hash, entries] = this.#buffers.entries().next().value!;
    const oldest = entries.shift()!;
    if (entries.length === 0) this.#buffers.delete(hash);
    this.#entries--;
    this.bytes -= oldest.buffer.size;
    this.#context.batch.releaseAfterSubmit(oldest.buffer, (b) => this.#context.destroyBuffer(b));
  }

  clear(): void {
    invalidateCaptures();
    for (const entries of this.#buffers.values()) for (const { buffer } of entries) this.#context.destroyBuffer(buffer);
    this.#buffers.clear();
    this.#entries = 0;
    this.bytes = 0;
  }
}

/** @internal Bind groups by pipeline and bound windows; dropped with any buffer they bind when it is destroyed. */
export class BindGroupCache {
  readonly #context: DeviceContext;
  readonly #groups = new Map<string, { group: GPUBindGroup; ids: number[] }>();
  /** The cache keys that bind each buffer (by id), to drop them when it is destroyed. */
  readonly #byBuffer = new Map<number, Set<string>>();

  constructor(context: DeviceContext) {
    this.#context = context;
  }

  /** The cached bind group, or a new one (`beforeCreate` runs first: the batch opens its error scopes). */
  get(pipelineKey: string, pipeline: GPUComputePipeline, bindings: readonly GPUBufferBinding[], beforeCreate?: () => void): GPUBindGroup {
    const ids: number[] = [];
    let key = pipelineKey;
    for (const b of bindings) {
      const id = this.#context.bufferId(b.buffer);
      ids.push(id);
      key += `|${id}:${b.offset ?? 0}:${b.size ?? ''}`;
    }
    const cached = touch(this.#groups, key);
    if (cached) return cached.group;
    beforeCreate?.();
    const group = this.#context.createBindGroup({
      label: pipelineKey,
      layout: pipeline.getBindGroupLayout(0),
      entries: bindings.map((resource, binding) => ({ binding, resource })),
    });
    this.#groups.set(key, { group, ids });
    for (const id of ids) {
      const keys = this.#byBuffer.get(id);
      if (keys) keys.add(key);
      else this.#byBuffer.set(id, new Set([key]));
    }
    if (this.#groups.size > CACHE_ENTRIES) this.#delete(this.#groups.keys().next().value!);
    return group;
  }

  #delete(key: string): void {
    const entry = this.#groups.get(key);
    if (!entry) return;
    this.#groups.delete(key);
    for (const id of entry.ids) {
      const keys = this.#byBuffer.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.#byBuffer.delete(id);
    }
  }

  /** Forgets the bind groups that bind `buffer` (it is being destroyed). */
  forgetBuffer(buffer: GPUBuffer): void {
    const keys = this.#byBuffer.get(this.#context.bufferId(buffer));
    if (keys) for (const key of [...keys]) this.#delete(key);
  }

  clear(): void {
    this.#groups.clear();
    this.#byBuffer.clear();
  }

  get size(): number {
    return this.#groups.size;
  }
}
