// The normalization family's registration: F.batchNorm.
import { batchNorm } from './functional.js';

export const functional = { batchNorm };
