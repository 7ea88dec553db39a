// The dropout family's registration: F.dropout.
import { dropout } from './functional.js';

export const functional = { dropout };
