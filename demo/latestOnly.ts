// Each control change starts an update, and GPU runs finish in any order: a slower earlier update must not
// overwrite what a later one showed. The element's data-pending counts updates still running, so a test (or
// a user script) can wait for the page to settle.

/** Wraps `show` so that it can ask whether it is still the latest call before it draws. */
export function latestOnly<A extends unknown[]>(
  element: HTMLElement,
  show: (isLatest: () => boolean, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  let latest = 0;
  let pending = 0;
  return async (...args: A) => {
    const run = ++latest;
    element.dataset.pending = String(++pending);
    try {
      await show(() => run === latest, ...args);
    } finally {
      element.dataset.pending = String(--pending);
    }
  };
}
