// Reads test/fixtures/pooling.json, written by test/fixtures/generate.py with real PyTorch. Imported as a
// module, so the same helper serves the Node and the browser suites.
import pooling from '../fixtures/pooling.json';
import type { AdaptiveOutputSize, AvgPool2dOptions, IntOrPair } from '../../src/index.js';

type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';

interface FixtureBase {
  name?: string;
  input: number[];
  /** Present only when the input is not `fixtureInput(input)`. */
  inputData?: number[];
  shape?: number[];
  data?: Encoded[];
  error?: { type: string; message: string };
}

export interface AvgPoolFixture extends FixtureBase {
  op: 'avg_pool2d';
  args: { kernelSize: IntOrPair; stride: IntOrPair | null; padding: IntOrPair; ceilMode: boolean; countIncludePad: boolean; divisorOverride: number | null };
}

export interface AdaptiveFixture extends FixtureBase {
  op: 'adaptive_avg_pool2d';
  args: { outputSize: AdaptiveOutputSize };
}

export type PoolingFixture = AvgPoolFixture | AdaptiveFixture;

export const poolingFixtures = pooling as unknown as { torch: string; cases: PoolingFixture[] };

/** The generator's input: integers over 64, exact in float32 (same formula as generate.py's fixture_input). */
export function fixtureInput(shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => ((i * 7919 + 13) % 1009) / 64 - 7.875);
}

export function inputOf(fixture: PoolingFixture): Float32Array {
  return fixture.inputData ? Float32Array.from(fixture.inputData) : fixtureInput(fixture.input);
}

export function expectedOf(fixture: PoolingFixture): Float32Array {
  return Float32Array.from(fixture.data!, (v) => (typeof v === 'number' ? v : Number(v)));
}

export function avgPoolOptions(fixture: AvgPoolFixture): AvgPool2dOptions {
  const { stride, padding, ceilMode, countIncludePad, divisorOverride } = fixture.args;
  return { stride, padding, ceilMode, countIncludePad, divisorOverride };
}

export function describeFixture(fixture: PoolingFixture): string {
  return fixture.name ?? `${fixture.op} [${fixture.input}] ${JSON.stringify(fixture.args)}`;
}

/**
 * The message current PyTorch gives: the fixtures come from PyTorch 1.13, whose pad check was reworded later
 * ("... half of effective kernel size ... dilation=1"). The kit uses the current wording (shared/REFERENCE.md).
 */
export function currentPyTorchMessage(message: string): string {
  return message.replace(
    /^pad should be at most half of kernel size, but got pad=(-?\d+) and kernel_size=(-?\d+)$/,
    'pad should be at most half of effective kernel size, but got pad=$1, kernel_size=$2 and dilation=1',
  );
}
