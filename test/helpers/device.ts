// The test suites' GPU device: the same one a user gets from requestDevice() (set WEBGPU_LAYERS_ADAPTER to pick).
import { requestDevice } from '../../src/node.js';

export function testDevice(): Promise<GPUDevice> {
  return requestDevice({ quiet: process.env.WEBGPU_LAYERS_QUIET !== '0' });
}
