// Max unpooling in three dispatches of one pipeline each (STAGE), so a repeated index gets the value of its last
// input position, as PyTorch's CPU loop does, and a bad index is reported, not written:
//   STAGE 0, one invocation per output element: zero the output, clear its claim; invocation 0 resets `status`.
//   STAGE 1, one per input element: a valid index claims its output element for the latest input position
//     (atomicMax); an invalid one records the latest such position in status[0].
//   STAGE 2, one per input element: the claim's winner writes its value; the position in status[0] writes its
//     index to status[1], which the launcher reads back for PyTorch's "Found an invalid max index" error.
// Layout: input and indices [planes, inVolume], output and claims [planes, outVolume], row-major; the planes
// hold fewer than 2³¹ elements in all (the launcher checks).

override STAGE: u32 = 0u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let item = workItem(id);
  if (STAGE == 0u) {
    if (item == 0u) {
      atomicStore(&status[0], -1);
      atomicStore(&status[1], 0);
    }
    if (item < params.outTotal) {
      output[item] = 0.0;
      atomicStore(&claims[item], -1);
    }
    return;
  }
  if (item >= params.inTotal) { return; }
  let index = indices[item];
  let plane = item / params.inVolume;
  let valid = index >= 0 && u32(index) < params.outVolume;
  let slot = plane * params.outVolume + u32(index);
  if (STAGE == 1u) {
    if (valid) {
      atomicMax(&claims[slot], i32(item));
    } else {
      atomicMax(&status[0], i32(item));
    }
    return;
  }
  if (valid) {
    if (atomicLoad(&claims[slot]) == i32(item)) {
      output[slot] = input[item];
    }
  } else if (atomicLoad(&status[0]) == i32(item)) {
    atomicStore(&status[1], index);
  }
}
