// Whole networks, by torchvision 0.14's module trees and state-dict keys.
export { BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50 } from './resnet.js';
export type { ResNetOptions } from './resnet.js';
export { InvertedResidual, MobileNetV3, SqueezeExcitation, conv2dNormActivation, makeDivisible, mobilenetV3Large, mobilenetV3Small } from './mobilenetv3.js';
export type { InvertedResidualConfig, MobileNetV3Options } from './mobilenetv3.js';
