// The models.json fixtures (test/fixtures/generate_models.py): torchvision's networks with every state-dict entry a
// formula of its key and shape (deterministic_state there, deterministicState here), so no weights are committed.
import { models, type nn } from '../../src/index.js';
import fixtures from '../fixtures/models.json';
import { type Encoded, fixtureInput } from './fixtures.js';

export type NetworkName = 'resnet18' | 'resnet34' | 'resnet50' | 'mobilenetV3Small' | 'mobilenetV3Large';

export interface KeysCase {
  kind: 'keys';
  network: NetworkName;
  numClasses: number;
  entries: [string, number[], string][];
}
export interface LogitsCase {
  kind: 'logits';
  network: NetworkName;
  numClasses: number;
  input: number[];
  logits: Encoded[];
}
export interface TrainCase {
  kind: 'train';
  network: NetworkName;
  numClasses: number;
  input: number[];
  target: number[];
  frozenBackbone?: boolean;
  optimizer: { name: 'SGD' | 'AdamW'; lr: number; momentum?: number };
  steps: number;
  losses: number[];
  state: Record<string, { shape: number[]; data: Encoded[] }>;
  conv1Head?: Encoded[];
  evalLogits?: Encoded[];
  /** The first 64 values of some parameters' gradients after the first backward. */
  firstGrads?: Record<string, Encoded[]>;
}
export interface ErrorCase {
  kind: 'error';
  name: string;
  message: string;
}

const cases = fixtures.cases as (KeysCase | LogitsCase | TrainCase | ErrorCase)[];
export const keysCases = cases.filter((c): c is KeysCase => c.kind === 'keys');
export const logitsCases = cases.filter((c): c is LogitsCase => c.kind === 'logits');
export const trainCases = cases.filter((c): c is TrainCase => c.kind === 'train');
export const errorCases = cases.filter((c): c is ErrorCase => c.kind === 'error');

const FIXTURE_STD = 4.55;

/** The network by name, as `models.<name>({ numClasses })`. */
export function network(name: NetworkName, numClasses: number): nn.Module {
  return models[name]({ numClasses }) as nn.Module;
}

/** generate_models.py's deterministic_state, entry by entry. */
export function deterministicState(model: nn.Module): nn.StateDict {
  const state: nn.StateDict = {};
  for (const [key, entry] of Object.entries(model.stateDict())) {
    const shape = entry.shape;
    const base = fixtureInput(shape);
    let data: Float32Array;
    if (key.endsWith('num_batches_tracked')) data = new Float32Array(1);
    else if (key.endsWith('running_mean') || key.endsWith('bias')) data = base.map((v) => v / 64);
    else if (key.endsWith('running_var')) data = base.map((v) => 1 + Math.abs(v) / 16);
    else if (shape.length === 1) data = base.map((v) => 1 + v / 64);
    else {
      const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
      const scale = FIXTURE_STD * Math.sqrt(fanIn);
      data = base.map((v) => v / scale);
    }
    state[key] = entry.dtype ? { data, shape, dtype: entry.dtype } : { data, shape };
  }
  return state;
}

/** The fixture's image: fixture_input / 8. */
export const image = (shape: readonly number[]) => fixtureInput(shape).map((v) => v / 8);
