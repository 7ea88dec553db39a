// Global average pooling read four values a load (input bound as vec4s), for the layouts whose vec4s line up:
//   contiguous, planeSize % 4 == 0 (the "invocation" strategy of global_avg_pool.wgsl, summing in its order): an
//     invocation per plane, the vec4s along it (lane k sums elements ≡ k mod 4);
//   CHANNELS_LAST, channels % 4 == 0: an invocation per QUADS_PER_INVOCATION vec4s of four channels of a sample,
//     interleaved with its neighbours' (quads lane, lane + L, …, for L invocations a sample), each channel summing
//     its positions in order. Software adapters run a workgroup's invocations 8 at a time, one run to its end after
//     another: with 8 quads each, 8 neighbouring invocations read a 256-channel position whole (1 KiB) before the
//     next, where one quad each read 128 bytes of every position, and the rest of each position came back later
//     from further out (llvmpipe [8,256,56,56]: 9.5 → 3 ms, NCHW's time). GPUs take 1 (one vec4 an invocation).
// Float16 input is read as four halves a load (two words; src/runtime/kernel.ts, withHalves).
// Layout: input [planes, planeSize] or [samples, planeSize, channels]; output [planes] (channels last: [samples,
// channels]). Bindings: 0 input, 1 output, 2 params; inputBase (in elements) is a multiple of 4 (the launcher checks).

override CHANNELS_LAST: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let item = workItem(id);
  if (CHANNELS_LAST) {
    poolChannels(item);
  } else {
    poolPlane(item);
  }
}

fn poolPlane(plane: u32) {
  if (plane >= params.planes) { return; }
  let quads = params.planeSize / 4u;
  let offset = params.inputBase / 4u + plane * quads;
  var sums = vec4f(0.0);
  for (var i = 0u; i < quads; i++) {
    sums += input[offset + i];
  }
  output[params.outputBase + plane] = ((sums.x + sums.y) + (sums.z + sums.w)) / params.divisor;
}

/** Channels last: vec4s of four channels per invocation, 1, 2, 4 or 8 (the launcher: channels / 4 is a multiple). */
override QUADS_PER_INVOCATION: u32 = 1u;
/** Channels last: positions an iteration, 1 or 4. */
override POSITIONS_PER_ITERATION: u32 = 1u;

fn poolChannels(item: u32) {
  let quads = params.channels / 4u;
  let lanes = quads / QUADS_PER_INVOCATION; // invocations per sample
  if (item >= (params.planes / 4u) / QUADS_PER_INVOCATION) { return; }
  let sample = item / lanes;
  let lane = item - sample * lanes;
  var at = params.inputBase / 4u + sample * params.planeSize * quads + lane;
  // Quad lane + k · lanes sums into s_k, position by position, POSITIONS_PER_ITERATION (1, or 4 where a plane has more
  // positions than the adapter's loop cap: src/runtime/loopLimit.ts) an iteration.
  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var s3 = vec4f(0.0);
  var s4 = vec4f(0.0);
  var s5 = vec4f(0.0);
  var s6 = vec4f(0.0);
  var s7 = vec4f(0.0);
  for (var i = 0u; i < params.planeSize; i += POSITIONS_PER_ITERATION) {
    let left = min(params.planeSize - i, POSITIONS_PER_ITERATION);
    s0 = addPositions(s0, at, quads, left);
    if (QUADS_PER_INVOCATION >= 2u) { s1 = addPositions(s1, at + lanes, quads, left); }
    if (QUADS_PER_INVOCATION >= 4u) {
      s2 = addPositions(s2, at + 2u * lanes, quads, left);
      s3 = addPositions(s3, at + 3u * lanes, quads, left);
    }
    if (QUADS_PER_INVOCATION >= 8u) {
      s4 = addPositions(s4, at + 4u * lanes, quads, left);
      s5 = addPositions(s5, at + 5u * lanes, quads, left);
      s6 = addPositions(s6, at + 6u * lanes, quads, left);
      s7 = addPositions(s7, at + 7u * lanes, quads, left);
    }
    at += POSITIONS_PER_ITERATION * quads;
  }
  let first = params.outputBase + (sample * quads + lane) * 4u;
  let step = 4u * lanes;
  storeMeans(first, s0);
  if (QUADS_PER_INVOCATION >= 2u) { storeMeans(first + step, s1); }
  if (QUADS_PER_INVOCATION >= 4u) {
    storeMeans(first + 2u * step, s2);
    storeMeans(first + 3u * step, s3);
  }
  if (QUADS_PER_INVOCATION >= 8u) {
    storeMeans(first + 4u * step, s4);
    storeMeans(first + 5u * step, s5);
    storeMeans(first + 6u * step, s6);
    storeMeans(first + 7u * step, s7);
  }
}

/**
 * `sums` plus the vec4s at `at`, `at + step`, … of `left` positions (1 to 4), added in order; the others add +0 (the
 * sums start at +0, so that adds nothing), their loads discarded.
 */
fn addPositions(sums: vec4f, at: u32, step: u32, left: u32) -> vec4f {
  // One position an iteration: no masked loads (select evaluates both operands; SwiftShader keeps the dead loads,
  // which made the pool 3–5× slower there: 11.7 → 63.9 ms on [8,256,56,56]).
  if (POSITIONS_PER_ITERATION == 1u) { return sums + input[at]; }
  let zero = vec4f(0.0);
  let a = sums + input[at];
  let b = a + select(zero, input[at + step], left > 1u);
  let c = b + select(zero, input[at + 2u * step], left > 2u);
  return c + select(zero, input[at + 3u * step], left > 3u);
}

/** Four channels' means from their sums, at output element `at`. */
fn storeMeans(at: u32, sums: vec4f) {
  let mean = sums / params.divisor;
  output[at] = mean.x;
  output[at + 1u] = mean.y;
  output[at + 2u] = mean.z;
  output[at + 3u] = mean.w;
}
