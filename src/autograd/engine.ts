// backward(): runs the recorded graph from a tensor back to its leaves, in dependency order, summing the
// gradients that reach a node from several uses, and frees the graph unless asked to keep it. Registered with
// core/tensor.ts, which calls it from `tensor.backward()`.
import { TorchError } from '../core/errors.js';
import { sameAsContiguous, type MemoryFormat } from '../core/memoryFormat.js';
import { sameShape } from '../core/shape.js';
import { autogradHooks } from '../core/hooks.js';
import { Tensor, type BackwardOptions } from '../core/tensor.js';
import source from '../../shaders/autograd/accumulate.wgsl?raw';
import { defineKernel } from '../runtime/kernel.js';
import { contextOf } from '../runtime/context.js';
import { launch } from '../runtime/launch.js';
import { messages, Node, record } from './graph.js';
import { withGradMode } from './mode.js';

const WORKGROUP_SIZE = 64;
const accumulate = defineKernel({
  name: 'accumulate',
  source,
  bindings: [
    { name: 'a', access: 'read' },
    { name: 'b', access: 'read' },
    { name: 'output', access: 'read_write' },
  ],
  params: { total: 'u32' },
});

/** a + b as a new tensor (two gradients of one tensor), disposing neither. */
export function addGradients(a: Tensor, b: Tensor): Tensor {
  const out = Tensor.empty(a.device, a.shape, false, 'float32', a.memoryFormat); // b is laid out as a
  if (out.size > 0) {
    out.setWrittenBy(
      launch(a.device, accumulate, {
        constants: { WORKGROUP_SIZE },
        bindings: [a.binding, b.binding, out.binding],
        params: { total: out.size },
        workgroups: Math.ceil(out.size / WORKGROUP_SIZE),
      }),
    );
  }
  return out;
}

/** A copy of `t` the engine owns (a user's gradient stays the user's): one copy command. */
function copyOf(t: Tensor): Tensor {
  const out = Tensor.empty(t.device, t.shape);
  if (out.size > 0) {
    const { buffer, offset = 0 } = t.binding;
    out.setWrittenBy(contextOf(t.device).batch.record({ kind: 'copy', source: buffer, sourceOffset: offset, destination: out.buffer, size: t.size * 4 }));
  }
  return out;
}

function seedOf(root: Tensor, gradient: Tensor | undefined): Tensor {
  if (gradient === undefined) {
    if (root.size !== 1) throw new TorchError(messages.implicitGrad);
    return Tensor.fromArray(root.device, new Float32Array([1]), root.shape);
  }
  if (!(gradient instanceof Tensor)) throw new TypeError('backward(gradient): gradient must be a Tensor');
  if (!sameShape(gradient.shape, root.shape)) {
    throw new TorchError(messages.shapeMismatch(gradient.shape, root.shape));
  }
  // The engine's gradients are in the logical order: a channels-last one is laid out so, once.
  return inLogicalOrder(gradient) ?? copyOf(gradient);
}

/**
 * `t` in the logical (contiguous) order when its layout differs, as a new tensor (one permute), else null. Every
 * gradient inside the engine is in that order: saved channels-last tensors are laid out so before a backward reads
 * them (graph.ts), and a channels-last leaf's `.grad` is laid out as the leaf at its sink.
 */
export function inLogicalOrder(t: Tensor): Tensor | null {
  return sameAsContiguous(t.shape, t.memoryFormat) ? null : withGradMode(false, () => t.contiguous());
}

/** The nodes reachable from `start`, with how many edges lead to each (its uses). */
function dependencies(start: Node): Map<Node, number> {
  const uses = new Map<Node, number>([[start, 0]]);
  const stack = [start];
  while (stack.length) {
    const node = stack.pop()!;
    for (const edge of node.edges) {
      if (!edge || !('node' in edge)) continue;
      const seen = uses.has(edge.node);
      uses.set(edge.node, (uses.get(edge.node) ?? 0) + 1);
      if (!seen) stack.push(edge.node);
    }
  }
  return uses;
}

function runBackward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void {
  const start = root.gradFn;
  if (!(start instanceof Node)) {
    if (!root.requiresGrad) throw new TorchError(messages.noGradFn);
    root.gradSink.accumulateGrad(seedOf(root, gradient)); // a leaf: its own gradient is the seed
    return;
  }
  const uses = dependencies(start);
  // Every check before any GPU work: a freed graph is PyTorch's error, and nothing has been computed yet.
  for (const node of uses.keys()) {
    if (node.released) throw new TorchError(messages.secondBackward);
    if (node.refusal) throw new TorchError(node.refusal);
  }
  const grads = new Map<Node, Tensor>([[start, seedOf(root, gradient)]]);
  const ready = [start];
  withGradMode(false, () => {
    while (ready.length) {
      const node = ready.pop()!;
      const grad = grads.get(node)!;
      grads.delete(node);
      const inputs = node.apply(grad);
      grad.dispose();
      node.edges.forEach((edge, i) => {
        let g = inputs[i];
        const logical = g && inLogicalOrder(g);
        if (logical) {
          g!.dispose();
          g = logical;
        }
        if (!edge || !g) {
          g?.dispose();
          return;
        }
        if ('sink' in edge) {
          edge.sink.accumulateGrad(g);
          return;
        }
        const before = grads.get(edge.node);
        if (before) {
          grads.set(edge.node, addGradients(before, g));
          before.dispose();
          g.dispose();
        } else {
          grads.set(edge.node, g);
        }
        const left = uses.get(edge.node)! - 1;
        uses.set(edge.node, left);
        if (left === 0) ready.push(edge.node);
      });
      if (!options.retainGraph) node.release();
    }
  });
}

/**
 * A leaf's accumulation: the first gradient is kept, later ones summed into a new tensor. `memoryFormat`: the leaf's,
 * which its gradient takes (PyTorch's `.grad` of a channels-last tensor is channels last).
 */
export function accumulateInto(current: Tensor | null, grad: Tensor, shape: readonly number[], memoryFormat: MemoryFormat = 'contiguous'): Tensor {
  const reshaped = sameShape(grad.shape, shape) ? grad : grad.reshape(shape);
  if (reshaped !== grad) grad.dispose();
  const shaped = reshaped.memoryFormat === memoryFormat ? reshaped : withGradMode(false, () => reshaped.contiguous(memoryFormat));
  if (shaped !== reshaped) reshaped.dispose();
  if (!current) return shaped;
  const sum = addGradients(current, shaped);
  current.dispose();
  shaped.dispose();
  return sum;
}

autogradHooks.backward = runBackward;
autogradHooks.accumulate = (leaf, grad) => {
  leaf.grad = accumulateInto(leaf.grad, grad, leaf.shape, leaf.memoryFormat);
};
autogradHooks.recordView = (input, view) => {
  const shape = input.shape;
  record('ViewBackward0', [input], view, [], (grad) => [grad.reshape(shape)]);
};
autogradHooks.dropGradFn = (gradFn) => {
  if (gradFn instanceof Node) gradFn.drop();
};
