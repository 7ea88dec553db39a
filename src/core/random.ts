// The kit's random generator, as torch's default CPU generator: one stream for parameter initialisation and dropout
// masks, reset by manualSeed so both are reproducible. (Values cannot match PyTorch's Mersenne Twister stream: tests
// compare statistics and determinism, never PyTorch's exact draws.) Generator: SplitMix32-style hash of a 32-bit
// counter, good enough for init and masks, and cheap to hand to a kernel as (seed, offset).

let state = (Math.random() * 2 ** 32) >>> 0;

/** Seeds the kit's generator (PyTorch's `torch.manual_seed`): parameter init and dropout masks become reproducible. */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`manualSeed(): seed must be an integer, but got ${String(seed)}`);
  // Fold a 53-bit seed into 32 bits (negative seeds as PyTorch accepts them).
  state = (Number(BigInt.asUintN(32, BigInt(seed))) ^ Number(BigInt.asUintN(32, BigInt(seed) >> 32n))) >>> 0;
}

/** The next 32-bit draw. */
export function nextUint32(): number {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A uniform draw in [0, 1). */
export function uniform01(): number {
  return nextUint32() / 2 ** 32;
}

/** `size` draws of U(−bound, bound) (PyTorch's `uniform_(-bound, bound)`). */
export function uniformArray(size: number, bound: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (uniform01() * 2 - 1) * bound;
  return values;
}

/** `size` draws of N(0, std²) (PyTorch's `normal_(0, std)`; Box–Muller on the kit's uniform draws). */
export function normalArray(size: number, std: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform01())) * std;
    const angle = 2 * Math.PI * uniform01();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < size) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}
