/** A CPU tensor: row-major float32 data and its shape, as the reference ops take and return it. */
export interface TensorData {
  data: Float32Array;
  shape: number[];
}
