// The demo's pictures (drawn here: nothing is fetched) and the conversions between images and tensors.
import type { TensorData } from './backend.js';

/** A test card or rings, drawn at size × size. */
export function drawPicture(kind: string, size: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const g = canvas.getContext('2d')!;
  if (kind === 'rings') {
    for (let r = size; r > 0; r -= Math.max(1, size / 16)) {
      g.fillStyle = `hsl(${(r / size) * 360}, 70%, ${40 + (r % 3) * 10}%)`;
      g.beginPath();
      g.arc(size / 2, size / 2, r / 1.4, 0, Math.PI * 2);
      g.fill();
    }
    return canvas;
  }
  const gradient = g.createLinearGradient(0, 0, size, size);
  gradient.addColorStop(0, '#1d3557');
  gradient.addColorStop(1, '#f1faee');
  g.fillStyle = gradient;
  g.fillRect(0, 0, size, size);
  const cell = Math.max(1, Math.floor(size / 8));
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 4; x++) {
      g.fillStyle = (x + y) % 2 ? '#e63946' : '#ffffff';
      g.fillRect(x * cell, y * cell, cell, cell);
    }
  g.fillStyle = '#ffb703';
  g.beginPath();
  g.arc(size * 0.7, size * 0.65, size * 0.22, 0, Math.PI * 2);
  g.fill();
  g.strokeStyle = '#000';
  g.lineWidth = Math.max(1, size / 32);
  g.beginPath();
  g.moveTo(0, size - 1);
  g.lineTo(size - 1, size * 0.45);
  g.stroke();
  return canvas;
}

/** An image scaled to size × size as a (1, 3, H, W) tensor in [0, 1]. */
export function imageToTensor(image: CanvasImageSource, size: number): TensorData {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const g = canvas.getContext('2d')!;
  g.drawImage(image, 0, 0, size, size);
  const rgba = g.getImageData(0, 0, size, size).data;
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[c * plane + i] = rgba[i * 4 + c]! / 255;
  return { data, shape: [1, 3, size, size] };
}

/** Draws a (1, 3, H, W) tensor as an RGB image, scaled up so small outputs stay visible. */
export function drawRgb(canvas: HTMLCanvasElement, { data, shape }: TensorData, displaySize = 256): void {
  const [h, w] = shape.slice(-2) as [number, number];
  const scale = Math.max(1, Math.floor(displaySize / Math.max(h, w, 1)));
  canvas.width = Math.max(1, w * scale);
  canvas.height = Math.max(1, h * scale);
  const g = canvas.getContext('2d')!;
  if (h === 0 || w === 0) return;
  const image = g.createImageData(w, h);
  const [lo, hi] = range(data);
  for (let i = 0; i < h * w; i++) {
    for (let c = 0; c < 3; c++) image.data[i * 4 + c] = ((data[c * h * w + i]! - lo) / (hi - lo || 1)) * 255;
    image.data[i * 4 + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  small.getContext('2d')!.putImageData(image, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Draws the channels of a (1, C, H, W) tensor as a grid of grey tiles, all on one scale [lo, hi]. */
export function drawChannels(canvas: HTMLCanvasElement, { data, shape }: TensorData, [lo, hi]: [number, number], tile = 64): void {
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  const columns = Math.ceil(Math.sqrt(c));
  canvas.width = columns * (tile + 2);
  canvas.height = Math.ceil(c / columns) * (tile + 2);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = false;
  for (let k = 0; k < c; k++) {
    const image = new ImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const v = ((data[k * h * w + i]! - lo) / (hi - lo || 1)) * 255;
      image.data.set([v, v, v, 255], i * 4);
    }
    const small = document.createElement('canvas');
    small.width = w;
    small.height = h;
    small.getContext('2d')!.putImageData(image, 0, 0);
    g.drawImage(small, (k % columns) * (tile + 2), Math.floor(k / columns) * (tile + 2), tile, tile);
  }
}

export function range(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/**
 * Draws max pooling's indices of the first channel as a picture: where each output pixel's argmax (a flat position
 * within the input's H×W) sits relative to the centre of the input area that output covers: further right → more
 * red, further down → more green. Flat grey-blue areas have their maximum in the middle of the window; edges and
 * corners of the picture show which side of each window won.
 */
export function drawIndices(
  canvas: HTMLCanvasElement,
  { data, shape }: { data: Int32Array; shape: number[] },
  [inH, inW]: [number, number],
  displaySize = 256,
): void {
  const [h, w] = shape.slice(-2) as [number, number];
  const scale = Math.max(1, Math.floor(displaySize / Math.max(h, w, 1)));
  canvas.width = Math.max(1, w * scale);
  canvas.height = Math.max(1, h * scale);
  if (h === 0 || w === 0) return;
  const image = new ImageData(w, h);
  const [cellH, cellW] = [inH / h, inW / w];
  const shade = (offset: number, cell: number) => Math.max(0, Math.min(255, 128 + (offset / Math.max(cell, 1)) * 255));
  for (let i = 0; i < h * w; i++) {
    const index = data[i]!;
    const [row, col] = [Math.floor(index / inW), index % inW];
    const [oh, ow] = [Math.floor(i / w), i % w];
    image.data[i * 4] = shade(col + 0.5 - (ow + 0.5) * cellW, cellW);
    image.data[i * 4 + 1] = shade(row + 0.5 - (oh + 0.5) * cellH, cellH);
    image.data[i * 4 + 2] = 128;
    image.data[i * 4 + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  small.getContext('2d')!.putImageData(image, 0, 0);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = false;
  g.drawImage(small, 0, 0, canvas.width, canvas.height);
}
