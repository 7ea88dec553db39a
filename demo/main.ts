// The in-page demo: pooling explorer, the seed's lesson, SE attention. Runs on the browser's WebGPU, or on
// the CPU reference when there is none.
import { mountAttention } from './attention.js';
import { createRunner } from './backend.js';
import { mountExplorer } from './explorer.js';
import { mountLesson } from './lesson.js';

const runner = await createRunner();
const banner = document.getElementById('backend')!;
banner.textContent = runner.label;
banner.className = runner.device ? 'backend' : 'backend cpu';

const explorer = mountExplorer(runner);
const attention = mountAttention(runner);
await explorer.update();
await mountLesson(runner);
await attention.update(explorer.input());
for (const element of document.querySelectorAll('#explorer select, #size, #file')) {
  element.addEventListener('change', () => setTimeout(() => void attention.update(explorer.input()), 50));
}
document.body.dataset.ready = 'true'; // for the end-to-end test
