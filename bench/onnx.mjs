// A tiny ONNX model writer (protobuf wire format by hand), so the benchmark can give ONNX Runtime the same
// ops as ours without a Python export step. Only what the benchmark's graphs need: float tensors, int and float
// attributes, one graph. Field numbers are onnx.proto's.

const encoder = new TextEncoder();

function varint(value) {
  const bytes = [];
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // int64 two's complement, as protobuf encodes negative ints
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    bytes.push(byte);
  } while (v);
  return bytes;
}

const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

/** Field helpers: each returns the encoded bytes of one field. */
const field = {
  varint: (number, value) => Uint8Array.from([...varint((number << 3) | 0), ...varint(value)]),
  bytes: (number, payload) => concat([Uint8Array.from([...varint((number << 3) | 2), ...varint(payload.length)]), payload]),
  string: (number, text) => field.bytes(number, encoder.encode(text)),
  message: (number, parts) => field.bytes(number, concat(parts)),
  float: (number, value) => concat([Uint8Array.from(varint((number << 3) | 5)), new Uint8Array(Float32Array.of(value).buffer)]),
};

const FLOAT = 1;
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

function attribute(name, value) {
  if (Array.isArray(value)) {
    return field.message(5, [field.string(1, name), field.varint(20, ATTRIBUTE_INTS), ...value.map((v) => field.varint(8, v))]);
  }
  if (!Number.isInteger(value)) return field.message(5, [field.string(1, name), field.varint(20, ATTRIBUTE_FLOAT), field.float(2, value)]);
  return field.message(5, [field.string(1, name), field.varint(20, ATTRIBUTE_INT), field.varint(3, value)]);
}

function node({ op, inputs, outputs, attributes = {} }) {
  return field.message(1, [
    ...inputs.map((i) => field.string(1, i)),
    ...outputs.map((o) => field.string(2, o)),
    field.string(3, `${op}_${outputs[0]}`),
    field.string(4, op),
    ...Object.entries(attributes).map(([k, v]) => attribute(k, v)),
  ]);
}

function initializer(name, { data, shape }) {
  const raw = new Uint8Array(Float32Array.from(data).buffer);
  return field.message(5, [...shape.map((d) => field.varint(1, d)), field.varint(2, FLOAT), field.string(8, name), field.bytes(9, raw)]);
}

function valueInfo(number, name, shape) {
  const dims = shape.map((d) => field.message(1, [field.varint(1, d)]));
  const tensorType = field.message(1, [field.varint(1, FLOAT), field.message(2, dims)]);
  return field.message(number, [field.string(1, name), field.message(2, [tensorType])]);
}

/**
 * An ONNX model (opset 17) of one graph.
 * @param {{ nodes: {op: string, inputs: string[], outputs: string[], attributes?: Record<string, number|number[]>}[],
 *   initializers?: Record<string, {data: ArrayLike<number>, shape: number[]}>, input: [string, number[]], output: [string, number[]] }} graph
 * @returns {Uint8Array} the serialized ModelProto
 */
export function onnxModel(graph) {
  const graphProto = field.message(7, [
    ...graph.nodes.map(node),
    field.string(2, 'webgpu-layers-bench'),
    ...Object.entries(graph.initializers ?? {}).map(([name, t]) => initializer(name, t)),
    valueInfo(11, ...graph.input),
    valueInfo(12, ...graph.output),
  ]);
  const opset = field.message(8, [field.string(1, ''), field.varint(2, 17)]);
  return concat([field.varint(1, 8), opset, graphProto]);
}
