// Runs a test body with one kernel strategy forced, then restores the device's tuned choice.
import { kernelVariant, setKernelVariant, type KERNEL_VARIANTS } from '../../src/index.js';

export async function withVariant(device: GPUDevice, kernel: keyof typeof KERNEL_VARIANTS, variant: string, body: () => Promise<void>): Promise<void> {
  const tuned = kernelVariant(device, kernel);
  setKernelVariant(device, kernel, variant as never);
  try {
    await body();
  } finally {
    setKernelVariant(device, kernel, tuned as never);
  }
}
