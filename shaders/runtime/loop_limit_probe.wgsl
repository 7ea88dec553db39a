// Counts how many iterations one loop really runs: some software adapters (Mesa llvmpipe) silently stop any
// loop after a fixed number (65,535), so the kit measures it once per device and keeps its kernels under it.
// Bindings: 0 counts (in: iterations wanted; out: iterations run).

@group(0) @binding(0) var<storage, read_write> counts: array<u32, 2>;

@compute @workgroup_size(1)
fn main() {
  var ran = 0u;
  for (var i = 0u; i < counts[0]; i++) {
    ran++;
  }
  counts[1] = ran;
}
