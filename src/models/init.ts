// torchvision's initialisations for whole networks, from the kit's seeded generator (manualSeed): the values follow
// torchvision's distributions, not its draws.
import { normalArray } from '../core/random.js';
import { Conv2d } from '../nn/convolution.js';
import { Linear } from '../nn/linear.js';
import type { AnyModule } from '../nn/module.js';

/** kaiming_normal_(mode='fan_out', gain √2) for every Conv2d (fan_out = out·kH·kW, as torch computes it), bias zero. */
export function initConvolutions(network: AnyModule): void {
  for (const m of network.modules()) {
    if (!(m instanceof Conv2d)) continue;
    const [out, , kH, kW] = m.weight.shape as [number, number, number, number];
    const fanOut = out * kH * kW;
    m.weight.data = normalArray(m.weight.data.length, fanOut > 0 ? Math.SQRT2 / Math.sqrt(fanOut) : 0);
    if (m.bias) m.bias.data = new Float32Array(m.bias.data.length);
  }
}

/** normal_(0, 0.01) weights and zero biases for every Linear (MobileNetV3's classifier). */
export function initLinears(network: AnyModule, std: number): void {
  for (const m of network.modules()) {
    if (!(m instanceof Linear)) continue;
    m.weight.data = normalArray(m.weight.data.length, std);
    if (m.bias) m.bias.data = new Float32Array(m.bias.data.length);
  }
}
