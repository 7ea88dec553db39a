// The elementwise family's registration: its functional ops (F.add).
import { add } from './functional.js';

/** The family's functional ops, as they join F. */
export interface Functional {
  add: typeof add;
}

export const functional: Functional = { add };
