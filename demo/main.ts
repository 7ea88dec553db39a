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
// A lost device is replaced (DeviceKeeper); say so, and keep going on the new one.
runner.keeper?.onReplaced((acquired, reason) => {
  banner.textContent = `${acquired.label} (the previous device was lost: ${reason}; replaced)`;
});

const attention = mountAttention(runner);
let attentionShown = Promise.resolve();
const explorer = mountExplorer(runner, (picture) => {
  attentionShown = attention.update(picture);
});
await explorer.update();
await mountLesson(runner);
await attentionShown;
document.body.dataset.ready = 'true'; // for the end-to-end test
