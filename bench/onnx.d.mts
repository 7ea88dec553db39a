// Types of bench/onnx.mjs, for the TypeScript tests that build ONNX models with it.
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers?: Record<string, { data: ArrayLike<number>; shape: readonly number[] }>;
  input: [string, readonly number[]];
  output: [string, readonly number[]];
}

/** An ONNX model (opset 17) of one graph, serialized. */
export function onnxModel(graph: OnnxGraph): Uint8Array;
