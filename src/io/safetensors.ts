// Reads the safetensors format (an 8-byte little-endian header length, a JSON header, then raw bytes) into a
// state dict that `module.loadStateDict` takes. Every malformed file gives an error that says what is wrong.
import { halfBits } from '../core/half.js';
import type { StateDict } from '../nn/module.js';

/** The reference implementation's limit; a larger header is treated as hostile. */
export const MAX_HEADER_BYTES = 100_000_000;

const ITEM_SIZES = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8 } as const;
type SupportedDtype = keyof typeof ITEM_SIZES;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const fail = (message: string): never => {
  throw new SafetensorsError(`safetensors: ${message}`);
};

/** IEEE half → float. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** BF16 is the top half of an f32: shift the bits up and reinterpret. */
const bf16Bits = new Uint32Array(1);
const bf16Value = new Float32Array(bf16Bits.buffer);
function bfloat16ToFloat(bits: number): number {
  bf16Bits[0] = bits << 16;
  return bf16Value[0]!;
}

function decode(dtype: SupportedDtype, bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / ITEM_SIZES[dtype];
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(i * 8, true);
    else if (dtype === 'I64') out[i] = Number(view.getBigInt64(i * 8, true));
    else if (dtype === 'F16') out[i] = halfToFloat(view.getUint16(i * 2, true));
    else out[i] = bfloat16ToFloat(view.getUint16(i * 2, true));
  }
  return out;
}

interface Entry {
  name: string;
  dtype: SupportedDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, value: unknown, dataBytes: number): Entry {
  if (typeof value !== 'object' || value === null) return fail(`tensor "${name}" must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in ITEM_SIZES)) {
    return fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; supported: ${Object.keys(ITEM_SIZES).join(', ')}`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    return fail(`tensor "${name}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    return fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes) {
    return fail(`tensor "${name}" has data_offsets [${begin}, ${end}] outside the ${dataBytes} data bytes`);
  }
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * ITEM_SIZES[dtype as SupportedDtype];
  if (end - begin !== expected) {
    return fail(
      `tensor "${name}" of shape [${shape.join(', ')}] and dtype ${dtype} needs ${expected} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SupportedDtype, shape: shape as number[], begin, end };
}

/**
 * Parses a .safetensors file into a state dict: every value in a Float32Array, exactly for F32, F16 and BF16 (F64 is
 * rounded). F16 entries say `dtype: 'float16'`: a float16 module (`module.to('float16')`) loads their halves bit for
 * bit, and saveSafetensors writes them back as F16. Any module converts on load, as PyTorch's load_state_dict does (BF16
 * into a float16 module rounds to nearest even). I64 entries (num_batches_tracked) say `dtype: 'int64'`.
 * @example model.loadStateDict(loadSafetensors(await (await fetch('se.safetensors')).arrayBuffer()))
 */
export function loadSafetensors(file: ArrayBuffer | Uint8Array): StateDict {
  const bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
  if (!(bytes instanceof Uint8Array)) return fail('expected an ArrayBuffer or Uint8Array');
  if (bytes.byteLength < 8) return fail(`the file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) return fail(`the header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (headerLength > BigInt(bytes.byteLength - 8)) {
    return fail(`the header length ${headerLength} points past the end of the ${bytes.byteLength}-byte file`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    return fail(`the header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('the header must be a JSON object');
  const dataBytes = bytes.byteLength - dataStart;
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => parseEntry(name, value, dataBytes));
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byOffset.length; i++) {
    const [previous, current] = [byOffset[i - 1]!, byOffset[i]!];
    if (current.begin < previous.end) {
      return fail(`tensors "${previous.name}" [${previous.begin}, ${previous.end}] and "${current.name}" [${current.begin}, ${current.end}] overlap`);
    }
  }
  const data = bytes.subarray(dataStart);
  return Object.fromEntries(
    entries.map((e) => {
      const entry = { data: decode(e.dtype, data.subarray(e.begin, e.end)), shape: e.shape };
      const dtype = e.dtype === 'F16' ? ('float16' as const) : e.dtype === 'I64' ? ('int64' as const) : null;
      return [e.name, dtype ? { ...entry, dtype } : entry];
    }),
  );
}

/**
 * Writes a state dict as a .safetensors file (little-endian, the header padded to 8 bytes), which
 * `safetensors.torch.load_file` loads: F16 for entries of `dtype: 'float16'` (a float16 module's state dict; values
 * rounded to nearest even), I64 for `dtype: 'int64'` (BatchNorm's num_batches_tracked, as PyTorch saves it), F32 otherwise. `metadata`: string pairs for the header's `__metadata__`.
 * @example const file = saveSafetensors(await head.readStateDict(), { format: 'pt' });
 */
export function saveSafetensors(
  stateDict: Readonly<Record<string, { data: Float32Array | readonly number[]; shape: readonly number[]; dtype?: string }>>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [key, value] of Object.entries(metadata))
      if (typeof value !== 'string') fail(`metadata values must be strings, but "${key}" is ${typeof value}`);
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  // As safetensors' own writer orders them: wider dtypes first (F32 data stays 4-byte aligned), then by name.
  const WIDTHS: Record<string, number> = { float32: 4, float16: 2, int64: 8 };
  const width = (name: string) => WIDTHS[stateDict[name]!.dtype ?? 'float32'] ?? 4;
  const names = Object.keys(stateDict).sort((a, b) => width(b) - width(a) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const { data, shape, dtype = 'float32' } = stateDict[name]!;
    if (!(dtype in WIDTHS)) fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; saved: float32 (F32), float16 (F16), int64 (I64)`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) fail(`tensor "${name}" has ${data.length} values but shape [${shape.join(', ')}]`);
    const bytes = size * WIDTHS[dtype]!;
    header[name] = { dtype: { float32: 'F32', float16: 'F16', int64: 'I64' }[dtype as 'float32'], shape: [...shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const file = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  file.set(headerBytes, 8);
  const view = new DataView(file.buffer, 8 + headerBytes.length);
  let at = 0;
  for (const name of names) {
    const { data, dtype } = stateDict[name]!;
    for (const v of data) {
      if (dtype === 'float16') view.setUint16(at, halfBits(v), true);
      else if (dtype === 'int64') view.setBigInt64(at, BigInt(Math.round(v)), true);
      else view.setFloat32(at, v, true);
      at += width(name);
    }
  }
  return file;
}
