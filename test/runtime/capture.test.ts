// Captured forwards (src/runtime/capture.ts): a module's forward on the shape of its last one replays what that one
// recorded, without running the module's JavaScript. These tests check that a replay computes the new input's
// values (never a stale buffer's), that whatever changes what a forward records ends the capture, and that a
// forward a replay cannot reproduce runs as usual. Whether a forward replayed is observed deterministically:
// a replay does not call the module's `run`.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { F, Tensor, WebGPULayersError, gpuStats, measureGpuTime, nn, reference, setKernelStrategy, synchronize, whenSubmitted } from '../../src/index.js';
import { packHalves, unpackHalves } from '../../src/core/half.js';
import { expectClose } from '../helpers/compare.js';
import { testAdapters, testDevice } from '../helpers/device.js';
import { randomData, seededRandom } from '../helpers/random.js';
import { infer } from '../helpers/infer.js';

type AnyModule = nn.Module<unknown, unknown>;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Counts the calls of a module's (protected) `run`: the JavaScript a replay skips. */
function runCalls(module: AnyModule) {
  return vi.spyOn(module as unknown as { run: (...args: unknown[]) => unknown }, 'run');
}

/** A forward's outputs as arrays, one per output tensor (values, or values and indices). */
async function read(output: unknown): Promise<number[][]> {
  const tensors = (Array.isArray(output) ? output : [output]) as Tensor<'float32' | 'int32'>[];
  const arrays = await Promise.all(tensors.map((t) => t.toArray()));
  tensors.forEach((t) => t.dispose());
  return arrays.map((a) => Array.from(a));
}

function expected(module: AnyModule, data: Float32Array, shape: number[]): number[][] {
  const out = module.forwardCpu({ data, shape }) as { data: ArrayLike<number> } | { data: ArrayLike<number> }[];
  return (Array.isArray(out) ? out : [out]).map((o) => Array.from(o.data));
}

function expectOutputs(actual: number[][], wanted: number[][], name: string): void {
  expect(actual.length, name).toBe(wanted.length);
  actual.forEach((a, i) => expectClose(a, wanted[i]!, `${name} output ${i}`));
}

describe.each(testAdapters())('captured forwards on %s', (adapter) => {
  let device: GPUDevice;
  const random = seededRandom(909);
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  const input = (shape: number[]) => {
    const data = randomData(random, size(shape));
    return { data, tensor: Tensor.fromArray(device, data, shape) };
  };

  test("a forward on the last shape replays it: the same dispatches, the new input's values, a buffer of its own per output", async () => {
    const cases: [string, AnyModule, number[]][] = [
      ['AvgPool2d', new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), [2, 5, 11, 9]],
      ['LPPool1d', new nn.LPPool1d(2, 3, { stride: 2 }), [2, 5, 31]],
      ['AdaptiveAvgPool2d', new nn.AdaptiveAvgPool2d([3, 5]), [1, 6, 10, 13]],
      ['SELayer', new nn.SELayer(32, 4), [2, 32, 6, 6]],
      ['SqueezeAndExcite', new nn.SqueezeAndExcite(24, 24, 5), [1, 24, 5, 5]],
      ['ResNetHead', new nn.ResNetHead(40, 7), [2, 40, 7, 7]],
      ['Sequential', new nn.Sequential(new nn.Linear(12, 9), new nn.ReLU(), new nn.Linear(9, 5), new nn.Flatten()), [3, 12]],
      ['MaxPool2d with indices', new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true }), [1, 4, 9, 10]],
      ['AdaptiveMaxPool3d with indices', new nn.AdaptiveMaxPool3d([2, 3, 2], { returnIndices: true }), [2, 3, 5, 7, 4]],
    ];
    for (const [name, module, shape] of cases) {
      const first = input(shape);
      await read(infer(module, first.tensor)); // uploads the parameters (if any): not captured
      let before = gpuStats(device);
      expectOutputs(await read(infer(module, first.tensor)), expected(module, first.data, shape), `${name} (captured)`);
      const capturedDispatches = gpuStats(device).dispatches - before.dispatches;
      const run = runCalls(module);
      // Three new inputs of that shape, queued together, outputs kept: each replay binds its own input and
      // writes buffers of its own.
      const inputs = [input(shape), input(shape), input(shape)];
      before = gpuStats(device);
      const outputs = inputs.map((x) => infer(module, x.tensor));
      expect(gpuStats(device).dispatches - before.dispatches, `${name}: dispatches`).toBe(3 * capturedDispatches);
      expect(run, `${name}: replays do not run the module`).toHaveBeenCalledTimes(0);
      for (const [i, output] of outputs.entries()) expectOutputs(await read(output), expected(module, inputs[i]!.data, shape), `${name} (replay ${i})`);
      // Steady state: the pool hands back the same buffers (intermediates of one size bucket may swap from one
      // forward to the next, so after two forwards), and the replay binds them with bind groups made before.
      for (let i = 0; i < 4; i++) {
        before = gpuStats(device);
        expectOutputs(await read(infer(module, inputs[0]!.tensor)), expected(module, inputs[0]!.data, shape), `${name} (steady ${i})`);
        const after = gpuStats(device);
        const created = [
          after.buffersCreated - before.buffersCreated,
          after.bindGroupsCreated - before.bindGroupsCreated,
          after.writeBuffers - before.writeBuffers,
        ];
        if (i >= 2) expect(created, `${name}: created in a steady-state replay`).toEqual([0, 0, 0]);
      }
      // Another shape runs the module again, and is captured in turn.
      const other = input(shape.map((d, i) => (i === 0 ? d + 1 : d)));
      expectOutputs(await read(infer(module, other.tensor)), expected(module, other.data, other.tensor.shape as number[]), `${name} (other shape)`);
      expect(run, name).toHaveBeenCalledTimes(1);
      for (const x of [first, other, ...inputs]) x.tensor.dispose();
      module.dispose();
    }
  });

  test('float16 and channels-last inputs replay too, in their dtype and layout; an input in another layout runs the module', async () => {
    const halves = (data: Float32Array) => unpackHalves(packHalves(data), data.length);
    const cases: [string, () => AnyModule, number[]][] = [
      ['AvgPool2d', () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [2, 8, 9, 7]],
      ['MaxPool2d with indices', () => new nn.MaxPool2d(2, { returnIndices: true }), [1, 4, 6, 6]],
      ['SELayer', () => new nn.SELayer(32, 4), [2, 32, 5, 5]],
    ];
    const modes = [
      { dtype: 'float16', memoryFormat: 'contiguous' },
      { dtype: 'float32', memoryFormat: 'channelsLast' },
      { dtype: 'float16', memoryFormat: 'channelsLast' },
    ] as const;
    for (const [name, make, shape] of cases) {
      for (const { dtype, memoryFormat } of modes) {
        const what = `${name} ${dtype} ${memoryFormat}`;
        const module = make();
        if (dtype === 'float16') module.to('float16');
        const upload = (data: Float32Array) => {
          const flat = Tensor.fromArray(device, data, shape, { dtype }) as Tensor;
          const laid = flat.contiguous(memoryFormat); // on a pooled buffer, as an op's output is
          if (laid !== flat) flat.dispose();
          return laid;
        };
        // Values at float16 precision: the reference on the rounded input, to a few half ulps of the largest output.
        const check = async (y: unknown, data: Float32Array, label: string) => {
          const outputs = (Array.isArray(y) ? y : [y]) as Tensor[];
          expect(outputs[0]!.dtype, label).toBe(dtype);
          expect(outputs[0]!.memoryFormat, label).toBe(memoryFormat);
          const got = await read(y);
          const want = expected(module, dtype === 'float16' ? halves(data) : data, shape);
          got.forEach((g, i) => {
            const tolerance = dtype === 'float16' && i === 0 ? 2 ** -8 * Math.max(1, ...want[i]!.map(Math.abs)) : 0;
            if (tolerance === 0) return expectClose(g, want[i]!, `${label} output ${i}`);
            g.forEach((v, j) => expect(Math.abs(v - want[i]![j]!), `${label} at ${j}`).toBeLessThanOrEqual(tolerance));
          });
        };
        const inputs = Array.from({ length: 3 }, () => randomData(random, size(shape)));
        const xs = inputs.map(upload);
        await check(infer(module, xs[0]!), inputs[0]!, `${what} (uploads)`);
        let before = gpuStats(device);
        await check(infer(module, xs[0]!), inputs[0]!, `${what} (captured)`);
        const capturedDispatches = gpuStats(device).dispatches - before.dispatches;
        const run = runCalls(module);
        for (let i = 0; i < 4; i++) {
          before = gpuStats(device);
          const k = i % 3;
          await check(infer(module, xs[k]!), inputs[k]!, `${what} (replay ${i})`);
          const after = gpuStats(device);
          expect(after.dispatches - before.dispatches, `${what}: dispatches`).toBe(capturedDispatches);
          const created = [
            after.buffersCreated - before.buffersCreated,
            after.bindGroupsCreated - before.bindGroupsCreated,
            after.writeBuffers - before.writeBuffers,
          ];
          if (i >= 3) expect(created, `${what}: created in a steady-state replay`).toEqual([0, 0, 0]);
        }
        expect(run, `${what}: replays do not run the module`).toHaveBeenCalledTimes(0);
        // The same shape in another layout (or dtype) is not this capture's: the module runs.
        const otherFormat = memoryFormat === 'channelsLast' ? 'contiguous' : 'channelsLast';
        const other = xs[1]!.contiguous(otherFormat);
        const y = infer(module, other);
        expect(run, what).toHaveBeenCalledTimes(1);
        expect((Array.isArray(y) ? y[0] : y).memoryFormat, what).toBe(otherFormat);
        for (const t of [...xs, other, ...(Array.isArray(y) ? y : [y])]) t.dispose();
        module.dispose();
      }
    }
  });

  test('a replay alone in its stretch is submitted before forward returns; beside other work, or after pending work, it shares a batch', async () => {
    const shape = [2, 32, 6, 6];
    const se = new nn.SELayer(32, 4);
    const xs = Array.from({ length: 6 }, () => input(shape));
    const submits = () => gpuStats(device).submits;
    const check = async (y: Tensor, data: Float32Array, name: string) => expectOutputs(await read(y), expected(se, data, shape), name);
    await check(infer(se, xs[0]!.tensor), xs[0]!.data, 'upload'); // uploads: not captured
    await check(infer(se, xs[0]!.tensor), xs[0]!.data, 'captured'); // shares its batch with the readback

    // Alone in its stretch, but the batch before it mixed it with a readback: recorded for the end of the stretch.
    let before = submits();
    const a = infer(se, xs[1]!.tensor);
    expect(submits(), 'after a mixed batch').toBe(before);
    await whenSubmitted(device);
    expect(submits()).toBe(before + 1);
    // Its batch was its commands alone: the next one is submitted before forward returns; the ones after it in
    // the same stretch share one batch.
    before = submits();
    const b = infer(se, xs[2]!.tensor);
    expect(submits(), 'alone: submitted at once').toBe(before + 1);
    const c = infer(se, xs[3]!.tensor);
    const d = infer(se, xs[4]!.tensor);
    expect(submits(), 'same stretch').toBe(before + 1);
    await whenSubmitted(device);
    expect(submits()).toBe(before + 2);
    for (const [i, y] of [a, b, c, d].entries()) await check(y, xs[i + 1]!.data, `replay ${i}`);

    // A render loop, a forward a frame read back after it: the readbacks' batches, without it, do not count.
    for (let frame = 0; frame < 3; frame++) {
      before = submits();
      const y = infer(se, xs[frame]!.tensor);
      expect(submits(), `frame ${frame}: submitted at once`).toBe(before + 1);
      await synchronize(device);
      await check(y, xs[frame]!.data, `frame ${frame}`);
    }

    // Beside other work in its stretch it joins that work's batch.
    before = submits();
    const other = F.relu(xs[2]!.tensor);
    const e = infer(se, xs[5]!.tensor);
    expect(submits(), 'beside other work').toBe(before);
    await whenSubmitted(device);
    expect(submits()).toBe(before + 1);
    await check(e, xs[5]!.data, 'beside other work');
    other.dispose();

    // Its last batch held other work: the next forward waits for the end of its stretch, in a batch of its own.
    before = submits();
    const f = infer(se, xs[1]!.tensor);
    expect(submits(), 'after sharing a batch with other work').toBe(before);
    await whenSubmitted(device);
    // After a batch that still waits for a pipeline, in a later stretch, it waits too: it reads what that batch
    // writes. (f's batch held it alone, so only the pending batch holds g back.)
    f.dispose();
    const pipelines = gpuStats(device).pipelines;
    const relu6 = F.relu6(xs[3]!.tensor);
    expect(gpuStats(device).pipelines, 'a pipeline compiled for this test').toBe(pipelines + 1);
    await Promise.resolve(); // a later stretch; the compile is still running
    before = submits();
    const g = infer(se, relu6);
    expect(submits(), 'after pending work').toBe(before);
    const gated = reference.activation(xs[3]!.data, shape, 'relu6').data;
    await check(g, gated, 'after pending work');
    relu6.dispose();
    for (const x of xs) x.tensor.dispose();
    se.dispose();
  });

  test('whatever changes what a forward records ends its capture: new weights, a strategy, a disposed child, an evicted uniform', async () => {
    const shape = [1, 16, 7, 7];
    const x = input(shape);
    const se = new nn.SqueezeAndExcite(16, 16, 7);
    const run = runCalls(se);
    const check = async (why: string) => expectOutputs(await read(infer(se, x.tensor)), expected(se, x.data, shape), why);
    await check('first');
    await check('captured');
    // New weights: the replay must not bind the old ones (their buffers went back to the pool).
    const state = se.stateDict();
    for (const entry of Object.values(state)) entry.data = entry.data.map((v) => v * -1.5 + 0.25);
    se.loadStateDict(state);
    const calls = run.mock.calls.length;
    await check('after loadStateDict');
    expect(run.mock.calls.length).toBe(calls + 1);
    se.SEblock.at(0).stateDict(); // reading does not invalidate
    await check('replayed');
    // A strategy: the excitation pools its input itself (2 dispatches) or after a pool (3).
    for (const [strategy, dispatches] of [
      ['fused', 2],
      ['split', 3],
      ['fused', 2],
    ] as const) {
      setKernelStrategy(device, 'squeeze_excitation', strategy);
      for (let i = 0; i < 2; i++) {
        const before = gpuStats(device).dispatches;
        await check(`${strategy} ${i}`);
        expect(gpuStats(device).dispatches - before, `${strategy} ${i}`).toBe(dispatches);
      }
    }
    // A parameter's data replaced directly.
    const linear = se.SEblock.at(2) as nn.Linear;
    linear.bias!.data = linear.bias!.data.map((v) => v + 1);
    await check('after bias.data');
    // A parameter's device copy disposed on its own: the next forward uploads it again, while its old buffer
    // is handed to another tensor.
    await check('captured again');
    linear.weight.dispose();
    const squatter = Tensor.fromArray(device, new Float32Array(size(linear.weight.shape)).fill(1e6), linear.weight.shape);
    await check('after weight.dispose()');
    squatter.dispose();
    // A disposed child: the parent's forward fails as it would without a capture.
    linear.dispose();
    expect(() => infer(se, x.tensor)).toThrow(expect.objectContaining({ code: 'disposed' }) as Error);
    se.dispose();
    const head = new nn.ResNetHead(16, 3);
    for (let i = 0; i < 2; i++) await read(infer(head, x.tensor));
    head.avgpool.dispose(); // no parameters
    expect(() => infer(head, x.tensor)).toThrow(expect.objectContaining({ code: 'disposed' }) as Error);
    head.dispose();

    // An evicted parameter uniform (its buffer destroyed): more distinct plans than the cache keeps.
    const pool = new nn.AvgPool2d(2);
    const y0 = input([1, 2, 6, 6]);
    for (let i = 0; i < 2; i++) expectOutputs(await read(infer(pool, y0.tensor)), expected(pool, y0.data, [1, 2, 6, 6]), 'pool');
    const small = Tensor.fromArray(device, new Float32Array(4 * 8), [1, 1, 4, 8]);
    for (let divisor = 1; divisor <= 2100; divisor++) F.avgPool2d(small, 2, { divisorOverride: divisor }).dispose();
    small.dispose();
    await synchronize(device); // the evicted uniforms are destroyed once that work is submitted
    const y1 = input([1, 2, 6, 6]); // other values: a forward that did not run would leave the last ones
    expectOutputs(await read(infer(pool, y1.tensor)), expected(pool, y1.data, [1, 2, 6, 6]), 'pool after evictions');
    y0.tensor.dispose();
    y1.tensor.dispose();
    pool.dispose();
    x.tensor.dispose();
  });

  test("forwards a replay cannot reproduce run as usual: a caller's buffer, a disposed or int32 input, timestamps", async () => {
    const shape = [1, 8, 10, 10];
    const pool = new nn.AvgPool2d(3, { stride: 2 });
    const x = input(shape);
    await read(infer(pool, x.tensor));
    const run = runCalls(pool);
    // A caller's buffer (its device is checked before any work on it is submitted).
    const buffer = device.createBuffer({ size: size(shape) * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    device.queue.writeBuffer(buffer, 0, x.data.buffer as ArrayBuffer);
    const external = Tensor.fromGPUBuffer(device, buffer, shape);
    expectOutputs(await read(infer(pool, external)), expected(pool, x.data, shape), 'external input');
    expect(run).toHaveBeenCalledTimes(1);
    // A disposed input, an int32 input: the module's own errors.
    const gone = input(shape);
    gone.tensor.dispose();
    expect(() => infer(pool, gone.tensor)).toThrow(WebGPULayersError);
    expect(() => infer(pool, gone.tensor)).toThrow(expect.objectContaining({ code: 'disposed' }) as Error);
    const ints = Tensor.fromArray(device, new Int32Array(size(shape)), shape);
    expect(() => infer(pool, ints as unknown as Tensor)).toThrow('avg_pool2d() takes float32 tensors, but got an int32 one');
    // The module still replays afterwards.
    await read(infer(pool, x.tensor));
    const calls = run.mock.calls.length;
    expectOutputs(await read(infer(pool, x.tensor)), expected(pool, x.data, shape), 'replay after errors');
    expect(run.mock.calls.length).toBe(calls);
    // measureGpuTime: every dispatch writes timestamps, so the forward runs as usual (where timestamps exist).
    const timing = await measureGpuTime(device, () => infer(pool, x.tensor).dispose());
    if (timing) {
      expect(run.mock.calls.length).toBe(calls + 1);
      expect(timing.passes).toBe(1);
    }
    for (const t of [external, ints, x.tensor]) t.dispose();
    buffer.destroy();
    pool.dispose();
  });
});
