// PyTorch's adaptive pooling windows (start_index / end_index), shared by the adaptive kernels: output index i of
// outSize reads input [floor(i·in/out), ceil((i+1)·in/out)). i < outSize and the launchers check in·out < 2³², so
// nothing overflows u32; one division each (integer division is slow on software adapters, which run it lane by lane).

fn windowStart(i: u32, outSize: u32, inSize: u32) -> u32 {
  return (i * inSize) / outSize;
}

fn windowEnd(i: u32, outSize: u32, inSize: u32) -> u32 {
  return 1u + ((i + 1u) * inSize - 1u) / outSize;
}
