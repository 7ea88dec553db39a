// Reads test/fixtures/autograd.json (test/fixtures/generate_autograd.py, PyTorch 1.13's autograd and torch.optim).
import autograd from '../fixtures/autograd.json';
import { decode, type Encoded, fixtureInput } from './fixtures.js';

export interface GradCase {
  kind: 'grad';
  op: string;
  name?: string;
  input: number[];
  inputData?: Encoded[];
  /** Max unpooling's indices (int64 in PyTorch). */
  indices?: number[];
  scale: number;
  args: Record<string, any>;
  shape: number[];
  output: Encoded[];
  gradInput: Encoded[];
  gradFn: string;
}

export interface LinearCase {
  kind: 'linear';
  rows: number;
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
  x: Encoded[];
  weight: Encoded[];
  biasData: Encoded[] | null;
  output: Encoded[];
  gradInput: Encoded[];
  gradWeight: Encoded[];
  gradBias: Encoded[] | null;
  gradFn: string;
}

export interface CrossEntropyCase {
  kind: 'cross_entropy';
  input: number[];
  options: { reduction?: 'none' | 'mean' | 'sum'; ignoreIndex?: number; labelSmoothing?: number };
  x: Encoded[];
  target: number[];
  probabilities: boolean;
  weight: Encoded[] | null;
  loss: Encoded[];
  lossShape: number[];
  gradInput: Encoded[];
  gradFn: string;
}

export interface MSECase {
  kind: 'mse';
  input: number[];
  reduction: 'none' | 'mean' | 'sum';
  x: Encoded[];
  target: Encoded[];
  loss: Encoded[];
  gradInput: Encoded[];
  gradFn: string;
}

export interface OptimizerCase {
  kind: 'optimizer';
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, any>;
  losses: Encoded[];
  weight: Encoded[];
  bias: Encoded[];
  paramGroups: Record<string, unknown>[];
  state0: Record<string, number | Encoded[] | null>;
}

export interface DataCase {
  kind: 'data';
  x: Encoded[];
  target: number[];
  weight: Encoded[];
  bias: Encoded[];
}

export interface ModuleCase {
  kind: 'module';
  name: string;
  input: number[];
  weights: Record<string, { shape: number[]; data: Encoded[] }>;
  output: Encoded[];
  shape: number[];
  gradInput: Encoded[];
  gradParameters: Record<string, Encoded[]>;
}

type Case = ModuleCase | GradCase | LinearCase | CrossEntropyCase | MSECase | OptimizerCase | DataCase;
export const autogradFixtures = autograd as unknown as { torch: string; cases: Case[] };

export const casesOf = <K extends Case['kind']>(kind: K) => autogradFixtures.cases.filter((c): c is Extract<Case, { kind: K }> => c.kind === kind);

export function gradInputOf(c: GradCase): Float32Array {
  return c.inputData ? decode(c.inputData) : Float32Array.from(fixtureInput(c.input), (v) => v * c.scale);
}

/** The output gradient the generator used: fixture_input(out shape) / 8. */
export const upstreamOf = (shape: readonly number[]) => Float32Array.from(fixtureInput(shape), (v) => v / 8);

export const describeGrad = (c: GradCase) => c.name ?? `${c.op} [${c.input}] ${JSON.stringify(c.args)}`;

export { decode };
