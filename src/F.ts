// The functional API, `F`, as in torch.nn.functional: only the public ops of functional.ts.
import { adaptiveAvgPool2d, avgPool2d } from './functional.js';

export const F = { avgPool2d, adaptiveAvgPool2d } as const;
