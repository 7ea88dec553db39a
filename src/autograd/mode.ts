// Grad mode, as torch.no_grad / torch.enable_grad / torch.is_grad_enabled: while it is off, ops record nothing and
// save nothing. The mode is a synchronous scope: an async function's awaits would run outside it, so those are refused.

let enabled = true;

/** Whether ops record the graph now (PyTorch's torch.is_grad_enabled()). */
export function isGradEnabled(): boolean {
  return enabled;
}

const isAsync = (fn: unknown) => typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
const isThenable = (value: unknown) => typeof (value as { then?: unknown } | null)?.then === 'function';

function withMode<T>(caller: string, on: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${caller}(fn): fn must be a function`);
  if (isAsync(fn)) throw asyncError(caller);
  const previous = enabled;
  enabled = on;
  let result: T;
  try {
    result = fn();
  } finally {
    enabled = previous;
  }
  if (isThenable(result)) throw asyncError(caller);
  return result;
}

const asyncError = (caller: string) =>
  new TypeError(
    `${caller}(fn) takes a synchronous function: grad mode cannot follow an await. Call ${caller} around each synchronous forward, e.g. const y = ${caller}(() => model.forward(x)); then await y.toArray()`,
  );

/**
 * Runs `fn` with grad mode off (PyTorch's `with torch.no_grad()`): nothing it does is recorded, nothing is saved
 * for backward, and its results require no grad. Restores the mode even if `fn` throws. `fn` must be synchronous
 * (a TypeError otherwise): forwards return at once, so `noGrad(() => model.forward(x))` then `await y.toArray()`.
 */
export function noGrad<T>(fn: () => T): T {
  return withMode('noGrad', false, fn);
}

/** Runs `fn` with grad mode on (PyTorch's `with torch.enable_grad()`), e.g. inside a `noGrad`. Synchronous only. */
export function enableGrad<T>(fn: () => T): T {
  return withMode('enableGrad', true, fn);
}

/** @internal Runs `fn` with grad mode set to `on` (the engine's backward records nothing), no checks. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
