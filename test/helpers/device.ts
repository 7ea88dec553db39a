// The test suites' GPU devices: the same ones a user gets from requestDevice(). The GPU suites run on
// every software adapter this machine has (as jax-js runs one suite per device); WEBGPU_LAYERS_ADAPTER
// narrows that to one (e.g. `hardware` on a GPU machine).
import { requestDevice, type AdapterChoice } from '../../src/node.js';

export function testAdapters(): AdapterChoice[] {
  const chosen = process.env.WEBGPU_LAYERS_ADAPTER as AdapterChoice | undefined;
  return chosen ? [chosen] : ['llvmpipe', 'swiftshader'];
}

export function testDevice(adapter?: AdapterChoice): Promise<GPUDevice> {
  return requestDevice({ adapter, quiet: process.env.WEBGPU_LAYERS_QUIET !== '0' });
}
