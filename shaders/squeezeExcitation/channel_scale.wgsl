// y = x · gate, the gate broadcast over each H×W map (the SE block's last step), read and written as vec4s:
// one load and one store per four elements (1.3–3× faster on software adapters than f32 at a time; 16-byte
// accesses on GPUs). Each invocation handles VEC4S_PER_INVOCATION consecutive vec4s, except on software adapters
// where the layout lines up: channels last with channels % 4 == 0 (scalePositions: a few vec4s of channels at a few
// positions) and planes of whole vec4s of at least a block (scalePlane), each loading its gates once.
// Layout: x and y [planes, planeSize] f32, gate [planes] (one value per (n, c)).
// Bindings: 0 x, 1 gate, 2 gate4 (the gate's buffer again, as vec4s: read where a vec4 of x holds four channels),
// 3 y, 4 params. A large tensor runs in pieces of planes (src/runtime/planeChunks.ts); a
// piece binds windows of x and y that start at the same 256-byte aligned offset and end on a 16-byte boundary,
// so whole vec4s cover it. The vec4s at its edges may hold elements of the neighbouring pieces (or the buffer's
// padding past the tensor): those get the same values their own piece writes, so overlaps are harmless.

/** Consecutive vec4s per invocation: fewer, longer invocations suit software adapters, one suits GPUs. */
override VEC4S_PER_INVOCATION: u32 = 1;

/**
 * x and y channels last: [samples, planeSize, channels], so an element's gate is gate[sample · channels + channel];
 * with channels % 4 == 0 a vec4 holds four channels of one position, whose gates are neighbours too.
 */
override CHANNELS_LAST: bool = false;

fn gateLast(element: u32) -> f32 {
  let sample = element / (params.planeSize * params.channels);
  return gate[min(sample * params.channels + element % params.channels, params.lastPlane)];
}

fn gateOf(element: u32) -> f32 {
  return gate[min(element / params.planeSize, params.lastPlane)];
}

/**
 * Channels last, channels % 4 == 0, software adapters: 0 for the runs of vec4s below, else the positions an
 * invocation scales, QUADS_PER_INVOCATION vec4s of channels at each (see scalePositions).
 */
override POSITIONS_PER_INVOCATION: u32 = 0u;
/** With POSITIONS_PER_INVOCATION: vec4s of four channels an invocation, 1, 2, 4 or 8 (channels / 4 is a multiple). */
override QUADS_PER_INVOCATION: u32 = 1u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  if (POSITIONS_PER_INVOCATION > 0u) {
    if (CHANNELS_LAST) {
      scalePositions(workItem(id));
    } else {
      scalePlane(workItem(id));
    }
    return;
  }
  let first = (workItem(id)) * VEC4S_PER_INVOCATION;
  if (first >= params.vec4s) { return; }
  var v = params.firstVec4 + first;
  let end = params.firstVec4 + min(first + VEC4S_PER_INVOCATION, params.vec4s);
  if (CHANNELS_LAST) {
    if (params.channels % 4u == 0u) {
      // A vec4 holds four channels of one position: one division per invocation, then the channel and the sample
      // advance as the run crosses a position's and a sample's end.
      let element = params.windowStart + 4u * v;
      let sampleSize = params.planeSize * params.channels;
      var sample = element / sampleSize;
      let inSample = element - sample * sampleSize;
      var channel = inSample % params.channels;
      var left = sampleSize - inSample; // elements left in this sample
      for (; v < end; v++) {
        let g = min(sample * params.channels + channel, params.lastPlane - 3u); // a multiple of 4
        y[v] = x[v] * gate4[g / 4u];
        channel += 4u;
        if (channel == params.channels) { channel = 0u; }
        left -= 4u;
        if (left == 0u) {
          sample++;
          left = sampleSize;
        }
      }
    } else {
      for (; v < end; v++) {
        let element = params.windowStart + 4u * v;
        y[v] = x[v] * vec4f(gateLast(element), gateLast(element + 1u), gateLast(element + 2u), gateLast(element + 3u));
      }
    }
    return;
  }
  if (params.planeSize % 4u == 0u) {
    // Vec4s and planes both start at multiples of 4 elements, so a vec4 lies in one plane: one division per
    // invocation, then the plane advances as the run crosses a plane's end.
    let element = params.windowStart + 4u * v;
    var plane = element / params.planeSize;
    var left = params.planeSize - (element - plane * params.planeSize);   // elements left in this plane
    for (; v < end; v++) {
      y[v] = x[v] * gate[min(plane, params.lastPlane)];
      left -= 4u;
      if (left == 0u) {
        plane++;
        left = params.planeSize;
      }
    }
  } else {
    // A vec4 may span planes: each element finds its own.
    for (; v < end; v++) {
      let element = params.windowStart + 4u * v;
      y[v] = x[v] * vec4f(gateOf(element), gateOf(element + 1u), gateOf(element + 2u), gateOf(element + 3u));
    }
  }
}

/**
 * Channels last on software adapters: an invocation scales QUADS_PER_INVOCATION vec4s of channels (quads lane,
 * lane + L, …, for L invocations a position, as in global_avg_pool_vec4.wgsl) at POSITIONS_PER_INVOCATION
 * neighbouring positions of one sample, its gates loaded once. Neighbouring invocations take neighbouring quads,
 * so the 8 that software adapters run together cover whole positions; each vec4 of x costs 1 / POSITIONS gate
 * loads, where the runs above load a gate vec4 per vec4. Pieces here are whole samples, firstVec4 their first
 * vec4 (the launcher checks they line up), vec4s their vec4s, windowStart the first sample's index.
 */
fn scalePositions(item: u32) {
  let quads = params.channels / 4u;
  let lanes = quads / QUADS_PER_INVOCATION;
  let positions = max(POSITIONS_PER_INVOCATION, 1u); // (a constant 0 would be a division by zero here)
  let runs = (params.planeSize + positions - 1u) / positions; // a sample's
  let samples = params.vec4s / (params.planeSize * quads);
  let perSample = runs * lanes;
  let sample = item / perSample;
  if (sample >= samples) { return; }
  let rest = item - sample * perSample;
  let run = rest / lanes;
  let lane = rest - run * lanes;
  let first = run * positions;
  let count = min(positions, params.planeSize - first);
  let g = (params.windowStart + sample) * quads + lane;
  let g0 = gate4[g];
  var g1 = vec4f(0.0);
  var g2 = vec4f(0.0);
  var g3 = vec4f(0.0);
  var g4 = vec4f(0.0);
  var g5 = vec4f(0.0);
  var g6 = vec4f(0.0);
  var g7 = vec4f(0.0);
  if (QUADS_PER_INVOCATION >= 2u) { g1 = gate4[g + lanes]; }
  if (QUADS_PER_INVOCATION >= 4u) {
    g2 = gate4[g + 2u * lanes];
    g3 = gate4[g + 3u * lanes];
  }
  if (QUADS_PER_INVOCATION >= 8u) {
    g4 = gate4[g + 4u * lanes];
    g5 = gate4[g + 5u * lanes];
    g6 = gate4[g + 6u * lanes];
    g7 = gate4[g + 7u * lanes];
  }
  var at = params.firstVec4 + (sample * params.planeSize + first) * quads + lane;
  for (var i = 0u; i < count; i++) {
    y[at] = x[at] * g0;
    if (QUADS_PER_INVOCATION >= 2u) { y[at + lanes] = x[at + lanes] * g1; }
    if (QUADS_PER_INVOCATION >= 4u) {
      y[at + 2u * lanes] = x[at + 2u * lanes] * g2;
      y[at + 3u * lanes] = x[at + 3u * lanes] * g3;
    }
    if (QUADS_PER_INVOCATION >= 8u) {
      y[at + 4u * lanes] = x[at + 4u * lanes] * g4;
      y[at + 5u * lanes] = x[at + 5u * lanes] * g5;
      y[at + 6u * lanes] = x[at + 6u * lanes] * g6;
      y[at + 7u * lanes] = x[at + 7u * lanes] * g7;
    }
    at += quads;
  }
}

/**
 * Contiguous planes of whole vec4s (planeSize % 4 == 0) on software adapters: an invocation scales
 * POSITIONS_PER_INVOCATION vec4s of one plane by its gate, loaded once, interleaved with its 7 neighbours'
 * (vec4s lane, lane + 8, …), so the 8 that software adapters run together read 8 · 16 neighbouring bytes at each
 * step. Pieces are whole planes, firstVec4 the first one's vec4 (the launcher checks it lines up), vec4s their
 * vec4s, windowStart the first plane's index.
 */
fn scalePlane(item: u32) {
  let positions = max(POSITIONS_PER_INVOCATION, 1u);
  let quads = params.planeSize / 4u; // vec4s a plane
  let block = 8u * positions; // vec4s of 8 invocations
  let blocks = (quads + block - 1u) / block; // a plane's
  let perPlane = blocks * 8u;
  let plane = item / perPlane;
  if (plane >= params.vec4s / quads) { return; }
  let rest = item - plane * perPlane;
  let first = (rest >> 3u) * block + (rest & 7u); // the invocation's first vec4 in its plane
  let g = gate[params.windowStart + plane];
  let at = params.firstVec4 + plane * quads;
  for (var k = first; k < min(first + block, quads); k += 8u) {
    y[at + k] = x[at + k] * g;
  }
}
