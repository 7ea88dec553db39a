// Inference as a PyTorch user writes it: `with torch.no_grad(): model(x)`. Modules start in training mode and their
// parameters require grad, so a forward outside noGrad records a graph (and is never captured).
import { noGrad } from '../../src/index.js';

export function infer<M extends { forward: (...args: any[]) => unknown }>(module: M, ...args: Parameters<M['forward']>): ReturnType<M['forward']> {
  return noGrad(() => module.forward(...args)) as ReturnType<M['forward']>;
}
