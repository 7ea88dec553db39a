// Types of examples/backbone.mjs, for test/backbone.test.ts.
import type { Tensor, nn } from '../src/index.js';

export function picture(size: { width: number; height: number }): { data: Uint8ClampedArray; width: number; height: number };
export function backboneModel(inputShape: readonly number[]): Uint8Array;
export function kitLayers(): { se: nn.SELayer; pool: nn.AvgPool2d; adaptive: nn.AdaptiveAvgPool2d; head: nn.ResNetHead };
export function runNetwork(device: GPUDevice, ort: unknown, session: unknown, layers: ReturnType<typeof kitLayers>): Promise<{ logits: Tensor; dispose: () => void }>;
export const expectedLogits: Float32Array;
