// The dropout family's registration: F.dropout.
import { dropout } from './functional.js';

/** The family's functional ops, as they join F. */
export interface Functional {
  dropout: typeof dropout;
}

export const functional: Functional = { dropout };
