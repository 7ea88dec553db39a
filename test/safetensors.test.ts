// loadSafetensors: files written by the PyTorch fixture generator, and every kind of malformed file.
import { describe, expect, test } from 'vitest';
import { loadSafetensors, saveSafetensors } from '../src/index.js';
import { decode, fixtureFile, layerFixtures } from './helpers/layerFixtures.js';

/** A safetensors file from a header object and raw data, as the format lays them out. */
function build(header: unknown, data = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const file = new Uint8Array(8 + json.length + data.length);
  new DataView(file.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  file.set(json, 8);
  file.set(data, 8 + json.length);
  return file;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('loadSafetensors', () => {
  test('reads the F32 weights PyTorch exported', async () => {
    const dict = loadSafetensors(await fixtureFile('se_layer.safetensors'));
    expect(Object.keys(dict)).toEqual(['fc.0.weight', 'fc.2.weight']);
    expect(dict['fc.0.weight']!.shape).toEqual([4, 64]);
    expect(dict['fc.2.weight']!.data.length).toBe(256);
  });

  test.each(layerFixtures.conversions.map((c) => [c.file, c] as const))('converts %s exactly as torch does', async (_, conversion) => {
    const dict = loadSafetensors((await fixtureFile(conversion.file)).buffer as ArrayBuffer);
    for (const [key, expected] of Object.entries(conversion.float32)) {
      expect(dict[key]!.shape).toEqual(expected.shape);
      expect(dict[key]!.data).toEqual(decode(expected.data));
    }
  });

  test('F16 entries say float16, and saveSafetensors writes them back as F16, byte for byte', async () => {
    const file = await fixtureFile('se_layer_f16.safetensors');
    const dict = loadSafetensors(file);
    expect(Object.values(dict).map((e) => e.dtype)).toEqual(['float16', 'float16']);
    const saved = saveSafetensors(dict, { format: 'pt' });
    const header = (bytes: Uint8Array) => {
      const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
      return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))), data: bytes.subarray(8 + length) };
    };
    const [ours, torchs] = [header(saved), header(file)];
    expect(ours.json['fc.0.weight']).toEqual(torchs.json['fc.0.weight']);
    expect(ours.json['fc.2.weight']).toEqual(torchs.json['fc.2.weight']);
    expect(Array.from(ours.data)).toEqual(Array.from(torchs.data));
    expect(loadSafetensors(saved)).toEqual(dict);
    // Mixed dtypes: F32 first (kept 4-byte aligned), as safetensors' writer orders them; BF16 entries read as float32.
    const mixed = saveSafetensors({ b: { data: [1.5], shape: [1], dtype: 'float16' }, a: { data: [2, 3], shape: [2] } });
    const { json } = header(mixed);
    expect([json.a, json.b]).toEqual([
      { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
    ]);
    expect(Object.values(loadSafetensors(await fixtureFile('se_layer_bf16.safetensors'))).map((e) => e.dtype)).toEqual([undefined, undefined]);
    expect(() => saveSafetensors({ a: { data: [1], shape: [1], dtype: 'int32' } })).toThrow(
      'tensor "a" has dtype "int32"; saved: float32 (F32), float16 (F16)',
    );
  });

  test('reads tensors at unaligned offsets and ignores __metadata__', () => {
    const file = build({ __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32([1.5, -2]));
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(loadSafetensors(shifted.subarray(1))).toEqual({ a: { data: new Float32Array([1.5, -2]), shape: [2] } });
  });

  const valid = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  test.each([
    ['a truncated file', new Uint8Array(5), 'the file is 5 bytes, too short for the 8-byte header length'],
    ['a header length past the end', build(valid, f32([1, 2]), 4096n), 'the header length 4096 points past the end of the 70-byte file'],
    ['a huge header length', build(valid, f32([1, 2]), 2n ** 62n), `the header length ${2n ** 62n} exceeds the 100000000-byte limit`],
    ['a header that is not JSON', build('{"a": ', f32([1, 2])), 'the header is not valid UTF-8 JSON'],
    ['a header that is not an object', build([1, 2]), 'the header must be a JSON object'],
    [
      'an unknown dtype',
      build({ a: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, f32([1, 2])),
      'tensor "a" has dtype "I32"; supported: F32, F16, BF16, F64, I64',
    ],
    ['a bad shape', build({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32([1, 2])), 'tensor "a" has shape [-2]'],
    [
      'offsets out of range',
      build({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32([1, 2])),
      'tensor "a" has data_offsets [0, 16] outside the 8 data bytes',
    ],
    [
      'reversed offsets',
      build({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32([1, 2])),
      'tensor "a" has data_offsets [8, 0] outside the 8 data bytes',
    ],
    [
      'a shape that does not match its bytes',
      build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])),
      'tensor "a" of shape [3] and dtype F32 needs 12 bytes, but data_offsets [0, 8] hold 8',
    ],
    [
      'overlapping tensors',
      build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32([1, 2, 3])),
      'tensors "a" [0, 8] and "b" [4, 12] overlap',
    ],
  ])('rejects %s with a clear error', (_, file, message) => {
    expect(() => loadSafetensors(file)).toThrow(`safetensors: ${message}`);
  });
});
