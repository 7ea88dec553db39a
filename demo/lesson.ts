// The seed's lesson: a ResNet head with a fixed AvgPool2d(7) and one with AdaptiveAvgPool2d(1), same weights,
// on the feature maps of a 224- and a 448-pixel image.
import { nn } from '../src/index.js';
import type { Runner, TensorData } from './backend.js';
import { seededValues } from './seeded.js';

const SIZES = [7, 14];

function featureMap(size: number): TensorData {
  return { data: seededValues(512 * size * size, size, 0, 1), shape: [1, 512, size, size] };
}

export async function mountLesson(runner: Runner): Promise<void> {
  const adaptive = new nn.ResNetHead(512, 1000);
  const fixed = new nn.ResNetHead(512, 1000, { pool: 'fixed' });
  const weights = {
    'fc.weight': { data: seededValues(1000 * 512, 1, -0.044, 0.044), shape: [1000, 512] },
    'fc.bias': { data: seededValues(1000, 2, -0.044, 0.044), shape: [1000] },
  };
  adaptive.loadStateDict(weights);
  fixed.loadStateDict(weights);
  const rows = document.getElementById('lessonRows') as HTMLTableSectionElement;
  for (const [label, head] of [
    ['adaptive: AdaptiveAvgPool2d(1)', adaptive],
    ['fixed: AvgPool2d(7, stride=1)', fixed],
  ] as const) {
    const row = rows.insertRow();
    row.insertCell().textContent = label;
    for (const size of SIZES) {
      const cell = row.insertCell();
      cell.dataset.size = String(size);
      try {
        const { output, maxDiff } = await runner.run(head, featureMap(size));
        const top = output.data.indexOf(Math.max(...output.data));
        cell.className = 'ok';
        cell.textContent = `torch.Size([${output.shape.join(', ')}]), top class ${top}${maxDiff === null ? '' : `, max |GPU − CPU| ${maxDiff.toExponential(1)}`}`;
      } catch (error) {
        cell.className = 'fail';
        cell.textContent = `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
  }
}
