// y = activation(x · Wᵀ + b), PyTorch's Linear with an optional fused activation. One invocation computes
// one output feature (four with FOUR_FEATURES) for ROWS_PER_INVOCATION consecutive rows, so each weight it
// loads serves all of those rows (1 row suits GPUs; more suits software adapters: autotune chooses).
// Layout: x [rows, inFeatures], weight [outFeatures, inFeatures] (PyTorch's layout) or, with
// WEIGHT_TRANSPOSED, [inFeatures, outFeatures] (how nn.Linear uploads it: neighbouring invocations then read
// neighbouring weights), bias [outFeatures], y [rows, outFeatures], all row-major f32.
// Bindings: 0 x, 1 weight, 2 bias, 3 y, 4 params. Without a bias, HAS_BIAS is false and binding 2 is a placeholder.
// With POOL_INPUT (a ResNet head's global pool and its fc in one dispatch: the "fused" strategy of
// global_pool_linear), x is [rows, inFeatures, planeSize] maps: each workgroup first pools the maps of its block
// of ROWS_PER_INVOCATION rows into workgroup memory (each sum in order, then divided, as the global pool's
// "invocation" strategy does), then computes its features from there.
// An x or y larger than one binding runs in pieces of rows (like the pooling kernels' planes): each piece binds
// windows of x and y whose first row starts inputBase / outputBase elements in.
//
// x and the weight are read as vec4s where their layout allows (one load brings four values: 2–3× faster
// on software adapters, 16-byte loads on GPUs); otherwise xAt / weightAt pick single components. Buffers are
// allocated in 16-byte multiples (src/runtime/allocator.ts), so the last, partly used vec4 is inside the binding.
// FOUR_FEATURES is a strategy (autotune weighs it); the launcher sets it only where the weight is transposed
// and outFeatures % 4 == 0, so weight rows are whole vec4s. As an override it keeps each pipeline to its own
// path; whether x comes as vec4s is a uniform branch on inFeatures, so input sizes never add pipelines.

const MAX_ROWS_PER_INVOCATION = 8u;

override ACTIVATION: u32 = 0;
override HAS_BIAS: bool = true;
override WEIGHT_TRANSPOSED: bool = false;
override ROWS_PER_INVOCATION: u32 = 1;   // at most MAX_ROWS_PER_INVOCATION
override FOUR_FEATURES: bool = false;
override POOL_INPUT: bool = false;
/** Input features a workgroup pools into workgroup memory (POOL_INPUT); 1 otherwise, so others reserve nothing. */
override MAX_POOLED: u32 = 1;

var<workgroup> pooledRows: array<f32, MAX_POOLED>;

fn xAt(i: u32) -> f32 {
  return x[i >> 2u][i & 3u];
}

fn weightAt(feature: u32, k: u32) -> f32 {
  var i = feature * params.inFeatures + k;
  if (WEIGHT_TRANSPOSED) {
    i = k * params.outFeatures + feature;
  }
  return weight[i >> 2u][i & 3u];
}

/** Input features 4k .. 4k + 3 of block row r (inFeatures % 4 == 0). */
fn xVec4(firstRow: u32, r: u32, k: u32) -> vec4f {
  if (POOL_INPUT) {
    let at = r * params.inFeatures + 4u * k;
    return vec4f(pooledRows[at], pooledRows[at + 1u], pooledRows[at + 2u], pooledRows[at + 3u]);
  }
  return x[params.inputBase / 4u + rowOf(firstRow, r) * (params.inFeatures / 4u) + k];
}

/** Input feature k of block row r. */
fn xScalar(firstRow: u32, r: u32, k: u32) -> f32 {
  if (POOL_INPUT) {
    return pooledRows[r * params.inFeatures + k];
  }
  return xAt(params.inputBase + rowOf(firstRow, r) * params.inFeatures + k);
}

/** The input row for block row r; rows past the end re-read the last row (their sums are not written). */
fn rowOf(firstRow: u32, r: u32) -> u32 {
  return min(firstRow + r, params.rows - 1u);
}

fn writeOutput(row: u32, feature: u32, sum: f32) {
  var value = sum;
  if (HAS_BIAS) {
    value += bias[feature];
  }
  y[params.outputBase + row * params.outFeatures + feature] = activate(value, ACTIVATION);
}

// The row loops run a constant ROWS_PER_INVOCATION times, so the compiler can unroll them and keep the sums
// in registers: with a bound known only at run time, software adapters keep the array in memory.

fn oneFeature(feature: u32, firstRow: u32, rowCount: u32) {
  var sums: array<f32, MAX_ROWS_PER_INVOCATION>;
  if (params.inFeatures % 4u == 0u) {
    let k4 = params.inFeatures / 4u;
    for (var k = 0u; k < k4; k++) {
      let w = vec4f(weightAt(feature, 4u * k), weightAt(feature, 4u * k + 1u),
                    weightAt(feature, 4u * k + 2u), weightAt(feature, 4u * k + 3u));
      for (var r = 0u; r < ROWS_PER_INVOCATION; r++) {
        sums[r] += dot(xVec4(firstRow, r, k), w);
      }
    }
  } else {
    for (var k = 0u; k < params.inFeatures; k++) {
      let w = weightAt(feature, k);
      for (var r = 0u; r < ROWS_PER_INVOCATION; r++) {
        sums[r] += xScalar(firstRow, r, k) * w;
      }
    }
  }
  for (var r = 0u; r < rowCount; r++) {
    writeOutput(firstRow + r, feature, sums[r]);
  }
}

fn fourFeatures(quad: u32, firstRow: u32, rowCount: u32) {
  var sums: array<vec4f, MAX_ROWS_PER_INVOCATION>;
  let quads = params.outFeatures / 4u;   // vec4s per weight row
  var at = quad;                          // weight[at]: input k's weights for features 4·quad .. 4·quad + 3
  if (params.inFeatures % 4u == 0u) {
    let k4 = params.inFeatures / 4u;
    for (var k = 0u; k < k4; k++) {
      let w0 = weight[at];
      let w1 = weight[at + quads];
      let w2 = weight[at + 2u * quads];
      let w3 = weight[at + 3u * quads];
      at += 4u * quads;
      for (var r = 0u; r < ROWS_PER_INVOCATION; r++) {
        let v = xVec4(firstRow, r, k);
        sums[r] += v.x * w0 + v.y * w1 + v.z * w2 + v.w * w3;
      }
    }
  } else {
    for (var k = 0u; k < params.inFeatures; k++) {
      let w = weight[at];
      at += quads;
      for (var r = 0u; r < ROWS_PER_INVOCATION; r++) {
        sums[r] += xScalar(firstRow, r, k) * w;
      }
    }
  }
  for (var r = 0u; r < rowCount; r++) {
    for (var j = 0u; j < 4u; j++) {
      writeOutput(firstRow + r, 4u * quad + j, sums[r][j]);
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  // x runs over features (or quads of them), y (folded into z past 65,535) over blocks of rows.
  let feature = id.group.x * WORKGROUP_SIZE + id.local;
  let firstRow = gridRow(id) * ROWS_PER_INVOCATION;
  if (POOL_INPUT) {
    // The workgroup's block of rows (rows past the end are neither pooled nor written); no return before the
    // barrier.
    let blockRows = min(ROWS_PER_INVOCATION, params.rows - min(firstRow, params.rows));
    for (var at = id.local; at < blockRows * params.inFeatures; at += WORKGROUP_SIZE) {
      let row = rowOf(firstRow, at / params.inFeatures);
      let start = params.inputBase + (row * params.inFeatures + at % params.inFeatures) * params.planeSize;
      var sum = 0.0;
      for (var i = 0u; i < params.planeSize; i++) {
        sum += xAt(start + i);
      }
      pooledRows[at] = sum / params.divisor;
    }
    workgroupBarrier();
  }
  if (feature * select(1u, 4u, FOUR_FEATURES) >= params.outFeatures || firstRow >= params.rows) { return; }
  let rowCount = min(ROWS_PER_INVOCATION, params.rows - firstRow);
  if (FOUR_FEATURES) {
    fourFeatures(feature, firstRow, rowCount);
  } else {
    oneFeature(feature, firstRow, rowCount);
  }
}
