// The autograd graph: a node per recorded op, holding what its backward needs (views of saved tensors, shapes)
// and one edge per input — to the node that made the input, to the leaf (or Parameter) that collects its
// gradient, or none when the input needs no gradient. Ops record a node only when grad mode is on and an input
// requires grad, so inference records and saves nothing.
import { TorchError } from '../core/errors.js';
import { sameAsContiguous } from '../core/memoryFormat.js';
import type { GradFn, GradSink, Tensor } from '../core/tensor.js';
import { isGradEnabled } from './mode.js';

/** Where a gradient flows: the node that made an input, or the sink of a leaf. */
export type Edge = { node: Node } | { sink: GradSink };

/**
 * A node's backward: the gradient of its output in, one gradient per input out (null where `needs[i]` is false).
 * The returned tensors are new: the engine owns and disposes them.
 */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

export const messages = {
  secondBackward:
    'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
  noGradFn: 'element 0 of tensors does not require grad and does not have a grad_fn',
  implicitGrad: 'grad can be implicitly created only for scalar outputs',
  shapeMismatch: (grad: readonly number[], output: readonly number[]) =>
    `Mismatch in shape: grad_output[0] has a shape of torch.Size([${grad.join(', ')}]) and output[0] has a shape of torch.Size([${output.join(', ')}]).`,
  halfBackward: (name: string) =>
    `${name}: backward through float16 ops is not implemented yet (float16 is inference storage here); train in float32 with module.to('float32') or tensor.to('float32'), or run the forward under noGrad`,
  cannotTrain: (op: string) =>
    `${op} cannot be trained yet: its backward is not implemented, so the kit refuses to record it rather than give a wrong gradient`,
};

export class Node implements GradFn {
  #saved: Tensor[];
  #released = false;
  /** What holds this node (PyTorch's reference count): its output tensor and the nodes whose edges lead here. */
  #holders = 0;
  /** Why this node's backward cannot run (a float16 op), checked before a backward does any GPU work; null if it can. */
  refusal: string | null = null;

  constructor(
    readonly name: string,
    readonly edges: readonly (Edge | null)[],
    /** The shape of the output gradient this node takes. */
    readonly outputShape: readonly number[],
    saved: Tensor[],
    readonly backwardFn: BackwardFn,
  ) {
    this.#saved = saved;
    for (const edge of edges) if (edge && 'node' in edge) edge.node.#holders++;
  }

  /** @internal Its output tensor holds it (record). */
  hold(): void {
    this.#holders++;
  }

  /**
   * One holder let go (its output was disposed, or a node that led here was freed): with none left, what it saved
   * is freed and it lets go of the nodes it leads to, so disposing a forward's output frees its whole graph.
   */
  drop(): void {
    if (--this.#holders > 0) return;
    this.release();
    for (const edge of this.edges) if (edge && 'node' in edge) edge.node.drop();
  }

  get released(): boolean {
    return this.#released;
  }

  /** The gradients of the inputs. Throws PyTorch's error if the graph was freed. */
  apply(grad: Tensor): (Tensor | null)[] {
    if (this.#released) throw new TorchError(messages.secondBackward);
    return this.backwardFn(
      grad,
      this.edges.map((e) => e !== null),
    );
  }

  /** Frees what the node saved; a later backward through it is PyTorch's error. */
  release(): void {
    this.#released = true;
    for (const t of this.#saved) t.dispose();
    this.#saved = [];
  }
}

function edgeOf(t: Tensor): Edge | null {
  const fn = t.gradFn;
  if (fn instanceof Node) return { node: fn };
  return t.requiresGrad ? { sink: t.gradSink } : null;
}

/** Whether an op on these inputs records a node: grad mode on and some input requires grad. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  return isGradEnabled() && inputs.some((t) => t?.requiresGrad === true);
}

/**
 * Records `outputs` as made by an op named `name` (PyTorch's grad_fn name) from `inputs`, when `needsGrad(inputs)`.
 * `save`: tensors the backward reads (kept as views until the graph is freed). Returns the outputs.
 */
export function record<T extends Tensor>(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  output: T,
  save: readonly Tensor[],
  backward: (grad: Tensor, needs: readonly boolean[], saved: readonly Tensor[]) => (Tensor | null)[],
): T {
  if (!needsGrad(inputs)) return output;
  // A float16 forward runs in any grad mode; only a backward through it is refused (nothing is saved for it).
  if (output.dtype === 'float16' || inputs.some((t) => t?.dtype === 'float16')) {
    const edges = inputs.map((t) => (t ? edgeOf(t) : null));
    const node = new Node(name, edges, output.shape, [], () => {
      throw new TorchError(messages.halfBackward(name));
    });
    node.refusal = messages.halfBackward(name);
    node.hold();
    output.setGradFn(node);
    return output;
  }
  const saved = save.map((t) => t.detach());
  const node = new Node(
    name,
    inputs.map((t) => (t ? edgeOf(t) : null)),
    output.shape,
    saved,
    (grad, needs) => {
      // Backward kernels read the logical order, as the gradients are: a saved channels-last tensor is laid out so
      // once, for this backward (its copy freed after).
      const laidOut = saved.map((t) => (sameAsContiguous(t.shape, t.memoryFormat) ? t : t.contiguous()));
      try {
        return backward(grad, needs, laidOut);
      } finally {
        laidOut.forEach((t, i) => t !== saved[i] && t.dispose());
      }
    },
  );
  node.hold();
  output.setGradFn(node);
  return output;
}

/** Throws a clear error when an op without a backward would be recorded (never a silently wrong gradient). */
export function refuseGrad(op: string, inputs: readonly (Tensor | null | undefined)[]): void {
  if (needsGrad(inputs)) throw new TorchError(messages.cannotTrain(op));
}
