// SE attention: the per-channel weights an SELayer computes for a feature map made from the picture, as a
// bar chart, and the channels before and after scaling (on one grey scale, so the scaling shows).
import { nn } from '../src/index.js';
import type { Runner, TensorData } from './backend.js';
import { latestOnly } from './latestOnly.js';
import { drawChannels, range } from './picture.js';
import { seededValues } from './seeded.js';

const CHANNELS = 16;

/** 16 channels from the picture's RGB planes: each a different mix, so their means differ. */
function featureMap(picture: TensorData): TensorData {
  const [h, w] = picture.shape.slice(-2) as [number, number];
  const plane = h * w;
  const mix = seededValues(CHANNELS * 3, 7, -1, 1);
  const data = new Float32Array(CHANNELS * plane);
  for (let c = 0; c < CHANNELS; c++) {
    for (let i = 0; i < plane; i++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += mix[c * 3 + k]! * picture.data[k * plane + i]!;
      data[c * plane + i] = v;
    }
  }
  return { data, shape: [1, CHANNELS, h, w] };
}

function drawBars(canvas: HTMLCanvasElement, gate: Float32Array): void {
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const width = canvas.width / gate.length;
  gate.forEach((v, i) => {
    const height = v * (canvas.height - 20);
    g.fillStyle = '#1f77b4';
    g.fillRect(i * width + 2, canvas.height - 14 - height, width - 4, height);
    g.fillStyle = '#222';
    g.font = '10px monospace';
    g.fillText(String(i), i * width + width / 2 - 4, canvas.height - 2);
  });
}

export function mountAttention(runner: Runner): { update: (picture: TensorData) => Promise<void> } {
  const se = new nn.SELayer(CHANNELS, 4);
  se.loadStateDict({
    'fc.0.weight': { data: seededValues(4 * CHANNELS, 3, -0.8, 0.8), shape: [4, CHANNELS] },
    'fc.2.weight': { data: seededValues(CHANNELS * 4, 4, -1.5, 1.5), shape: [CHANNELS, 4] },
  });
  const result = document.getElementById('seResult')!;
  const update = latestOnly(result, async (isLatest, picture: TensorData) => {
    const x = featureMap(picture);
    try {
      const gate = await runner.runWith(
        (t) => se.excitation(t),
        (t) => se.excitationCpu(t),
        x,
      );
      const scaled = await runner.run(se, x);
      if (!isLatest()) return;
      drawBars(document.getElementById('bars') as HTMLCanvasElement, gate.output.data);
      const scale = range(x.data);
      drawChannels(document.getElementById('before') as HTMLCanvasElement, x, scale);
      drawChannels(document.getElementById('after') as HTMLCanvasElement, scaled.output, scale);
      result.className = 'result';
      result.dataset.gate = Array.from(gate.output.data, (v) => v.toFixed(4)).join(',');
      result.textContent =
        `channel weights: [${Array.from(gate.output.data, (v) => v.toFixed(3)).join(', ')}]` +
        (scaled.maxDiff === null ? '' : `\nmax |GPU − CPU reference| = ${Math.max(scaled.maxDiff, gate.maxDiff!).toExponential(2)}`);
    } catch (error) {
      if (!isLatest()) return;
      result.className = 'result error';
      result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
    }
  });
  return { update };
}
