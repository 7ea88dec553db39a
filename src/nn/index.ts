export { Module } from './module.js';
export { AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
