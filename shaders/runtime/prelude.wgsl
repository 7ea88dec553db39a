// The prelude every kernel starts with (src/runtime/kernel.ts prepends it, then the kernel's generated
// `struct Params` and bindings): the workgroup size, and how an invocation finds its work item in the grid
// the launcher folded to fit maxComputeWorkgroupsPerDimension (src/runtime/launch.ts).

override WORKGROUP_SIZE: u32 = 64;

/**
 * The builtins an entry point takes: `fn main(id: Invocation)`. (Kernels with workgroup barriers take
 * workgroup_id and num_workgroups as parameters of their own instead: uniformity analysis would count the
 * whole struct as non-uniform.)
 */
struct Invocation {
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) local: u32,
}

/** The workgroup's index in a 1-D grid, folded into x and y past 65,535 workgroups. */
fn workgroupIndex(group: vec3u, groups: vec3u) -> u32 {
  return group.x + group.y * groups.x;
}

/** The invocation's index in a 1-D grid of work items (WORKGROUP_SIZE per workgroup). */
fn workItem(id: Invocation) -> u32 {
  return workgroupIndex(id.group, id.groups) * WORKGROUP_SIZE + id.local;
}

/** The row of an [x, rows] grid, its rows folded into y and z. */
fn gridRow(id: Invocation) -> u32 {
  return id.group.y + id.group.z * id.groups.y;
}

// Floats. WGSL lets compilers assume floats are finite, so `x != x` may fold to false and a constant ∞ is a
// compile error: NaN is tested on the bits, and ±∞ and NaN are made from bits held in a variable.

fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn isInfinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u;
}

fn floatFromBits(bits: u32) -> f32 {
  var held = bits;
  return bitcast<f32>(held);
}

fn negativeInfinity() -> f32 { return floatFromBits(0xff800000u); }
fn positiveInfinity() -> f32 { return floatFromBits(0x7f800000u); }
fn notANumber() -> f32 { return floatFromBits(0x7fc00000u); }
