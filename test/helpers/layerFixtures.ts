// Reads test/fixtures/layers.json and the .safetensors weights, written by test/fixtures/generate_layers.py.
import { readFileSync } from 'node:fs';
import { nn, loadSafetensors, type Tensor } from '../../src/index.js';

type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';
export const decode = (values: Encoded[]) => Float32Array.from(values, (v) => (typeof v === 'number' ? v : Number(v)));

export interface LayerFixture {
  name: string;
  module: 'SELayer' | 'SqueezeAndExcite' | 'ResNetHead' | 'Linear';
  weights: string | null;
  input: number[];
  options?: Record<string, string>;
  args?: number[];
  shape?: number[];
  data?: Encoded[];
  error?: { type: string; message: string };
}

export const layerFixtures: {
  torch: string;
  cases: LayerFixture[];
  activations: { name: string; input: Encoded[]; shape: number[]; data: Encoded[] }[];
  conversions: { file: string; float32: Record<string, { shape: number[]; data: Encoded[] }> }[];
  stateDictErrors: { name: string; stateDict: Record<string, number[]>; error: { type: string; message: string } }[];
} = JSON.parse(readFileSync(new URL('../fixtures/layers.json', import.meta.url), 'utf8'));

export function fixtureFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

/** The module a fixture names, built with the generator's arguments and loaded with its weights. */
export function buildModule(fixture: LayerFixture): nn.Module & { forward(x: Tensor): Tensor } {
  const options = (fixture.options ?? {}) as never;
  const module = {
    SELayer: () => new nn.SELayer(...((fixture.args ?? [64, 16]) as [number, number])),
    SqueezeAndExcite: () => new nn.SqueezeAndExcite(...((fixture.args ?? [16, 16, 7]) as [number, number, number]), 4, options),
    ResNetHead: () => new nn.ResNetHead(...((fixture.args ?? [64, 10]) as [number, number]), options),
    Linear: () => new nn.Linear(7, 5),
  }[fixture.module]();
  if (fixture.weights) module.loadStateDict(loadSafetensors(fixtureFile(fixture.weights)));
  return module;
}
