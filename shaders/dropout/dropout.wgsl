// Dropout: each element kept with probability 1 − p and scaled by 1 / (1 − p), else 0; the keep decision is a hash
// of (seed, index), so the backward (the same kernel on the output gradient, same seed) applies the same mask.
// Layout: input and output [total]. Bindings: 0 input, 1 seed (one u32), 2 output, 3 params.

/** PCG's output permutation of a 32-bit state: a well-mixed hash. */
fn pcgHash(value: u32) -> u32 {
  let state = value * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let index = workItem(id);
  if (index >= params.total) { return; }
  // Kept when the draw is at or above p·2³² (dropThreshold: 0 keeps all); p = 1 drops everything (dropAll).
  let draw = pcgHash(index ^ pcgHash(seed[0]));
  let kept = draw >= params.dropThreshold && params.dropAll == 0u;
  output[index] = select(0.0, input[index] * params.scale, kept);
}
