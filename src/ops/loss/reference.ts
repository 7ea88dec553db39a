// The losses on the CPU, in the kernels' order and float32 steps: the reference the GPU is checked against
// (PyTorch-generated fixtures check both).
import type { LossReduction } from './plan.js';

export interface CrossEntropyReferenceOptions {
  weight?: Float32Array | null;
  ignoreIndex?: number;
  reduction?: LossReduction;
  labelSmoothing?: number;
}

const f = Math.fround;

function logSumExp(x: Float32Array, base: number, classes: number, spatial: number): number {
  let top = -Infinity;
  for (let c = 0; c < classes; c++) top = Math.max(top, x[base + c * spatial]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum = f(sum + f(Math.exp(f(x[base + c * spatial]! - top))));
  return f(top + f(Math.log(sum)));
}

/**
 * Cross-entropy of x (N, C, d…) against int32 class indices (N, d…) or probabilities shaped like x: the loss (a
 * number, or the per-position terms under 'none') and dL/dx for an output gradient of 1 (ones under 'none').
 */
export function crossEntropy(
  x: Float32Array,
  shape: readonly number[],
  target: Int32Array | Float32Array,
  options: CrossEntropyReferenceOptions = {},
): { loss: Float32Array; grad: Float32Array } {
  const [N, C] = shape as [number, number];
  const S = shape.slice(2).reduce((a, b) => a * b, 1);
  const w = (c: number) => (options.weight ? options.weight[c]! : 1);
  const eps = options.labelSmoothing ?? 0;
  const share = f(eps / C);
  const ignore = options.ignoreIndex ?? -100;
  const probabilities = target instanceof Float32Array;
  const terms = new Float32Array(N * S);
  const weights = new Float32Array(N * S);
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++) {
      const p = n * S + s;
      const base = n * C * S + s;
      const lse = logSumExp(x, base, C, S);
      if (probabilities) {
        let term = 0;
        for (let c = 0; c < C; c++) term = f(term - f(f(w(c) * f(f(target[base + c * S]! * f(1 - eps)) + share)) * f(x[base + c * S]! - lse)));
        terms[p] = term;
        weights[p] = 1;
        continue;
      }
      const t = target[p]!;
      if (t === ignore || t < 0 || t >= C) continue;
      let smooth = 0;
      if (eps > 0) for (let c = 0; c < C; c++) smooth = f(smooth - f(w(c) * f(x[base + c * S]! - lse)));
      const nll = f(-w(t) * f(x[base + t * S]! - lse));
      terms[p] = f(f(f(1 - eps) * nll) + f(share * smooth));
      weights[p] = w(t);
    }
  const reduction = options.reduction ?? 'mean';
  let sum = 0;
  let count = 0;
  for (let p = 0; p < N * S; p++) {
    sum = f(sum + terms[p]!);
    count = f(count + weights[p]!);
  }
  const loss = reduction === 'none' ? terms : Float32Array.of(reduction === 'mean' ? f(sum / count) : sum);
  const grad = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++) {
      const p = n * S + s;
      const base = n * C * S + s;
      let top = -Infinity;
      for (let c = 0; c < C; c++) top = Math.max(top, x[base + c * S]!);
      let total = 0;
      for (let c = 0; c < C; c++) total = f(total + f(Math.exp(f(x[base + c * S]! - top))));
      const scale = reduction === 'mean' ? f(1 / count) : 1;
      let weighted = 0;
      if (probabilities) for (let k = 0; k < C; k++) weighted = f(weighted + f(w(k) * f(f(target[base + k * S]! * f(1 - eps)) + share)));
      let allWeights = 0;
      for (let k = 0; k < C; k++) allWeights = f(allWeights + w(k));
      const t = target[p]!;
      for (let c = 0; c < C; c++) {
        const q = f(f(Math.exp(f(x[base + c * S]! - top))) / total);
        let g: number;
        if (probabilities) g = f(f(q * weighted) - f(w(c) * f(f(target[base + c * S]! * f(1 - eps)) + share)));
        else if (t === ignore || t < 0 || t >= C) {
          grad[base + c * S] = 0; // PyTorch writes 0 there, unscaled (an all-ignored mean is 0/0 only in the loss)
          continue;
        } else {
          g = f(f(f(1 - eps) * w(t)) * f(q - (t === c ? 1 : 0)));
          if (eps > 0) g = f(g + f(share * f(f(q * allWeights) - w(c))));
        }
        grad[base + c * S] = f(scale * g);
      }
    }
  return { loss, grad };
}

/** MSELoss: the loss and dL/dx for an output gradient of 1 (ones under 'none'). */
export function mseLoss(x: Float32Array, target: Float32Array, reduction: LossReduction = 'mean'): { loss: Float32Array; grad: Float32Array } {
  const terms = Float32Array.from(x, (v, i) => f(f(v - target[i]!) * f(v - target[i]!)));
  let sum = 0;
  for (const t of terms) sum = f(sum + t);
  const loss = reduction === 'none' ? terms : Float32Array.of(reduction === 'mean' ? f(sum / x.length) : sum);
  const norm = f(reduction === 'mean' ? 2 / x.length : 2);
  return { loss, grad: Float32Array.from(x, (v, i) => f(f(v - target[i]!) * norm)) };
}
