// The op families written to one skeleton (src/ops/<family>/: plan, kernels, reference, functional, index.ts with
// their registration): a new family is one line here, and its functional ops join `F` (F.ts) by themselves.
export * as convolution from './convolution/index.js';
export * as normalization from './normalization/index.js';
export * as dropout from './dropout/index.js';
export * as elementwise from './elementwise/index.js';
