// The in-page demo: pooling explorer, the seed's lesson, SE attention, ORT-web and the kit, training a head. Runs on the browser's WebGPU, or on
// the CPU reference when there is none.
import { mountAttention } from './attention.js';
import { createRunner } from './backend.js';
import { mountExplorer } from './explorer.js';
import { mountLesson } from './lesson.js';
import { mountNetwork, webcam } from './network.js';
import { mountTraining } from './train.js';

const runner = await createRunner();
const banner = document.getElementById('backend')!;
banner.textContent = runner.label;
banner.className = runner.device ? 'backend' : 'backend cpu';
// A lost device is replaced (DeviceKeeper); say so, and keep going on the new one.
runner.keeper?.onReplaced((device, reason) => {
  banner.textContent = `${device.label} (the previous device was lost: ${reason}; replaced)`;
});

const attention = mountAttention(runner);
const network = mountNetwork(runner);
let attentionShown = Promise.resolve();
let explorerPicture: CanvasImageSource | null = null;
const explorer = mountExplorer(runner, (picture, canvas) => {
  attentionShown = attention.update(picture);
  explorerPicture = canvas;
});
let camera: number | null = null;
const networkInput = async () => {
  const choice = (document.querySelector('input[name="networkInput"]:checked') as HTMLInputElement).value;
  if (camera !== null) cancelAnimationFrame(camera);
  camera = null;
  if (choice === 'fixture') return network.update('fixture');
  if (choice === 'explorer') return explorerPicture ? network.update(explorerPicture) : undefined;
  const video = await webcam();
  if (typeof video === 'string') {
    document.getElementById('networkResult')!.textContent = `Webcam unavailable (${video}); PyTorch's picture instead.`;
    return;
  }
  const frame = async () => {
    await network.update(video);
    camera = requestAnimationFrame(frame);
  };
  await frame();
};
document.querySelectorAll('input[name="networkInput"]').forEach((input) => input.addEventListener('change', () => void networkInput()));
await explorer.update();
await mountLesson(runner);
await attentionShown;
await network.update('fixture');
await mountTraining(runner).ready;
document.body.dataset.ready = 'true'; // for the end-to-end test
