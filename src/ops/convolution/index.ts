// The convolution family's registration: F.conv2d.
import { conv2d } from './functional.js';

/** The family's functional ops, as they join F. */
export interface Functional {
  conv2d: typeof conv2d;
}

export const functional: Functional = { conv2d };
