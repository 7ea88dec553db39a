// Grad mode, as torch.no_grad / torch.is_grad_enabled: while it is off, ops record nothing and save nothing.

let enabled = true;

/** Whether ops record the graph now (PyTorch's torch.is_grad_enabled()). */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` with grad mode off (PyTorch's `with torch.no_grad()`): nothing it does is recorded, nothing is saved
 * for backward, and its results require no grad. Restores the mode even if `fn` throws. Not for async functions:
 * the mode is restored when `fn` returns its promise.
 */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** @internal Runs `fn` with grad mode on (the backward pass records nothing, but ops inside must not see noGrad's off). */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
