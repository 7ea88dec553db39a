// torch.optim's SGD, Adam and AdamW on the GPU.
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Optimizer, type OptimizerStateDict } from './optimizer.js';
