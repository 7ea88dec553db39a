// Running a network's steps in order, each intermediate disposed once the next step has been recorded (its graph, if
// any, keeps what its backward needs).
import type { Tensor } from '../core/tensor.js';
import type { AnyModule } from '../nn/module.js';

/** `steps` applied in order to `x`; intermediates (never `x`) disposed as the next step is recorded. */
export function chain(x: Tensor, steps: readonly ((t: Tensor) => Tensor)[]): Tensor {
  let current = x;
  for (const step of steps) {
    const next = step(current);
    if (current !== x) current.dispose();
    current = next;
  }
  return current;
}

/** `chain` over modules' forwards. */
export const chainModules = (x: Tensor, modules: readonly AnyModule[]) =>
  chain(
    x,
    modules.map((m) => (t: Tensor) => m.forward(t) as Tensor),
  );
