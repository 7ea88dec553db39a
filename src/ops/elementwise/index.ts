// The elementwise family's registration: its functional ops (F.add).
import { add } from './functional.js';

export const functional = { add };
