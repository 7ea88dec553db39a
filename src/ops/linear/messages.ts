// PyTorch's words for the inputs F.linear rejects.
export const linearMessages = {
  matmulZeroDim: () => 'both arguments to matmul need to be at least 1D, but they are 0D and 2D',
  linearShapes: (rows: number, inner: number, weightIn: number, weightOut: number) =>
    `mat1 and mat2 shapes cannot be multiplied (${rows}x${inner} and ${weightIn}x${weightOut})`,
  /** PyTorch 2's addmm/mm check: the input's dtype, then the weight's (or the bias's). */
  dtypeMismatch: (input: string, other: string) => `mat1 and mat2 must have the same dtype, but got ${input} and ${other}`,
};
