// Types of examples/backboneNetwork.mjs, for the tests and the demo.
import type { Tensor, nn } from '../src/index.js';

export interface BackboneFixture {
  picture: { width: number; height: number; size: number; mean: [number, number, number]; std: [number, number, number] };
  state_dict: Record<string, { shape: number[]; data: number[] }>;
  features_shape: number[];
  logits: number[];
}
export interface KitLayers {
  se: nn.SELayer;
  pool: nn.AvgPool2d;
  adaptive: nn.AdaptiveAvgPool2d;
  head: nn.ResNetHead;
}

export function sessionOptions(device: GPUDevice): Record<string, unknown>;
export function inputShape(picture: BackboneFixture['picture']): number[];
export function picture(size: { width: number; height: number }): { data: Uint8ClampedArray; width: number; height: number };
export function backboneModel(fixture: BackboneFixture, inputShape: readonly number[]): Uint8Array;
export function kitLayers(fixture: BackboneFixture): KitLayers;
export function runNetwork(
  device: GPUDevice,
  ort: unknown,
  session: unknown,
  layers: KitLayers,
  image: unknown,
  options: { size: number; mean: [number, number, number]; std: [number, number, number] },
): Promise<{ logits: Tensor; dispose: () => void }>;
export function expectedLogits(fixture: BackboneFixture): Float32Array;
