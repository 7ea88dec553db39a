// The pooling explorer: a picture as a (1, 3, H, W) tensor through AvgPool2d, AdaptiveAvgPool2d, MaxPool2d or
// AdaptiveMaxPool2d with the parameters the user picks; input and output side by side, with shapes, time and
// max |GPU − CPU reference|; for the max pools, their indices drawn as a picture.
import { nn } from '../src/index.js';
import type { IndexedPool, Runner, TensorData } from './backend.js';
import { latestOnly } from './latestOnly.js';
import { drawIndices, drawPicture, drawRgb, imageToTensor } from './picture.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const value = (id: string) => $<HTMLInputElement>(id).value.trim();
/** An integer field, or null when left empty (PyTorch's None). */
const optionalInt = (id: string) => (value(id) === '' ? null : Number(value(id)));
const int = (id: string) => Number(value(id));
const pair = (h: string, w: string) => [int(h), int(w)] as [number, number];

const chosenOp = () => (document.querySelector('input[name="op"]:checked') as HTMLInputElement).value;
const stride = () => {
  const [strideH, strideW] = [optionalInt('strideH'), optionalInt('strideW')];
  return strideH === null && strideW === null ? null : ([strideH ?? int('kernelH'), strideW ?? int('kernelW')] as [number, number]);
};
const maxOptions = () => ({ stride: stride(), padding: pair('padH', 'padW'), dilation: pair('dilH', 'dilW'), ceilMode: $<HTMLInputElement>('ceil').checked });

/** The module the controls describe; throws PyTorch's error for bad arguments. */
export function moduleFromControls(): nn.Module {
  const op = chosenOp();
  if (op === 'adaptive') return new nn.AdaptiveAvgPool2d([optionalInt('outH'), optionalInt('outW')]);
  if (op === 'adaptiveMax') return new nn.AdaptiveMaxPool2d([optionalInt('outH'), optionalInt('outW')]);
  if (op === 'max') return new nn.MaxPool2d(pair('kernelH', 'kernelW'), maxOptions());
  return new nn.AvgPool2d(pair('kernelH', 'kernelW'), {
    stride: stride(),
    padding: pair('padH', 'padW'),
    ceilMode: $<HTMLInputElement>('ceil').checked,
    countIncludePad: $<HTMLInputElement>('cip').checked,
    divisorOverride: optionalInt('divisor'),
  });
}

/** The max pool the controls describe, with indices; null for the average pools. */
function indexedPoolFromControls(): IndexedPool | null {
  const op = chosenOp();
  if (op === 'adaptiveMax') return new nn.AdaptiveMaxPool2d([optionalInt('outH'), optionalInt('outW')], { returnIndices: true });
  if (op === 'max') return new nn.MaxPool2d(pair('kernelH', 'kernelW'), { ...maxOptions(), returnIndices: true });
  return null;
}

/**
 * `onInput` hears of each new input picture (as a tensor and as the image it came from), not of parameter changes
 * (the SE attention and network panels follow it).
 */
export function mountExplorer(runner: Runner, onInput: (input: TensorData, image: CanvasImageSource) => void): { update: () => Promise<void> } {
  let uploaded: HTMLImageElement | null = null;
  let current: TensorData | null = null;
  let currentKey = '';
  const result = $('result');

  const update = latestOnly(result, async (isLatest) => {
    const size = Math.max(1, Math.min(512, int('size') || 64));
    const key = `${uploaded?.src ?? value('picture')} ${size}`;
    if (key !== currentKey) {
      const image = uploaded ?? drawPicture(value('picture'), size);
      current = imageToTensor(image, size);
      currentKey = key;
      onInput(current, image);
    }
    const x = current!;
    drawRgb($<HTMLCanvasElement>('input'), x);
    $('inputShape').textContent = `input [${x.shape.join(', ')}]`;
    const output = $<HTMLCanvasElement>('output');
    try {
      const module = moduleFromControls();
      const { output: y, ms, maxDiff } = await runner.run(module, x);
      module.dispose();
      if (!isLatest()) return;
      drawRgb(output, y);
      $('outputShape').textContent = `output [${y.shape.join(', ')}]`;
      const indexed = indexedPoolFromControls();
      $('indicesFigure').hidden = indexed === null;
      if (indexed) {
        const indices = await runner.indices(indexed, x);
        indexed.dispose();
        if (!isLatest()) return;
        const [inH, inW] = x.shape.slice(-2) as [number, number];
        drawIndices($<HTMLCanvasElement>('indices'), indices, [inH, inW]);
        $('indicesShape').textContent = `indices [${indices.shape.join(', ')}] (int32): the argmax within its window, right → red, down → green`;
      }
      result.className = 'result';
      result.textContent = `${runner.device ? 'GPU' : 'CPU'} time ${ms.toFixed(2)} ms${maxDiff === null ? '' : `   max |GPU − CPU reference| = ${maxDiff.toExponential(2)}`}`;
    } catch (error) {
      if (!isLatest()) return;
      output.width = output.height = 1;
      $('indicesFigure').hidden = true;
      $('outputShape').textContent = 'output —';
      result.className = 'result error';
      result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
    }
  });

  for (const element of document.querySelectorAll('#explorer input, #explorer select')) {
    if ((element as HTMLInputElement).type !== 'file') element.addEventListener('change', () => void update());
  }
  $<HTMLInputElement>('file').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const image = new Image();
    image.src = URL.createObjectURL(file); // a local file: nothing leaves the page
    await image.decode();
    uploaded = image;
    await update();
  });
  return { update };
}
