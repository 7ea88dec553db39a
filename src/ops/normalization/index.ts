// The normalization family's registration: F.batchNorm.
import { batchNorm } from './functional.js';

/** The family's functional ops, as they join F. */
export interface Functional {
  batchNorm: typeof batchNorm;
}

export const functional: Functional = { batchNorm };
