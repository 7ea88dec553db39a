/** A CPU tensor: row-major float32 data and its shape, as the reference ops take and return it. */
export interface TensorData {
  data: Float32Array;
  shape: number[];
}

/** CPU indices: row-major int32 data (PyTorch's int64 indices) and its shape. */
export interface IndexData {
  data: Int32Array;
  shape: number[];
}
