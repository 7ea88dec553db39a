// The convolution family's registration: F.conv2d.
import { conv2d } from './functional.js';

export const functional = { conv2d };
