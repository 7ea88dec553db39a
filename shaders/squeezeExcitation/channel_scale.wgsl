// y = x · gate, the gate broadcast over each H×W map (the SE block's last step), read and written as vec4s:
// one load and one store per four elements (1.3–3× faster on software adapters than f32 at a time; 16-byte
// accesses on GPUs). Each invocation handles VEC4S_PER_INVOCATION consecutive vec4s.
// Layout: x and y [planes, planeSize] f32, gate [planes] (one value per (n, c)).
// Bindings: 0 x, 1 gate, 2 gate4 (the gate's buffer again, as vec4s: read where a vec4 of x holds four channels),
// 3 y, 4 params. A large tensor runs in pieces of planes (src/gpu/planeChunks.ts); a
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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
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
