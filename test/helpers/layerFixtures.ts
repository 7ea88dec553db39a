// Reads test/fixtures/layers.json and the .safetensors weights, written by test/fixtures/generate_layers.py,
// in Node (from disk) and in the browser (from the test server).
import { nn, loadSafetensors, type Tensor } from '../../src/index.js';
import layers from '../fixtures/layers.json';

import { type Encoded, decode } from './fixtures.js';

export { decode };

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
} = layers as never;

/** A binary fixture: read from disk in Node, fetched from the vitest server in a browser. */
export async function fixtureFile(name: string): Promise<Uint8Array> {
  const url = new URL(`../fixtures/${name}`, import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The module a fixture names, built with the generator's arguments and loaded with its weights. */
export async function buildModule(fixture: LayerFixture): Promise<nn.Module & { forward(x: Tensor): Tensor }> {
  const options = (fixture.options ?? {}) as never;
  const module = {
    SELayer: () => new nn.SELayer(...((fixture.args ?? [64, 16]) as [number, number])),
    SqueezeAndExcite: () => new nn.SqueezeAndExcite(...((fixture.args ?? [16, 16, 7]) as [number, number, number]), 4, options),
    ResNetHead: () => new nn.ResNetHead(...((fixture.args ?? [64, 10]) as [number, number]), options),
    Linear: () => new nn.Linear(7, 5),
  }[fixture.module]();
  if (fixture.weights) module.loadStateDict(loadSafetensors(await fixtureFile(fixture.weights)));
  return module;
}
