// Conv2d's padding modes as an index map (no padded copy): where padded coordinate p reads the input, or −1 for a
// zero. PADDING_MODE: 0 zeros, 1 reflect (without the edge; pad < size), 2 replicate, 3 circular (pad ≤ size).

override PADDING_MODE: u32 = 0;

fn sourceIndex(p: i32, before: i32, size: i32) -> i32 {
  let i = p - before;
  if (i >= 0 && i < size) { return i; }
  if (PADDING_MODE == 0u) { return -1; }
  if (PADDING_MODE == 2u) { return select(size - 1, 0, i < 0); }
  if (PADDING_MODE == 3u) { return ((i % size) + size) % size; }
  return select(2 * (size - 1) - i, -i, i < 0);
}
