// Tensor.fromImage: an image, canvas, video frame or pixel array → a (1, 3, H, W) float tensor on the GPU.
// Browser sources go through copyExternalImageToTexture into a texture (kept per size), then into a buffer of
// packed RGBA8 pixels; pixel arrays (ImageData, or `{ data, width, height }` in Node) are uploaded into it
// directly. Then one kernel resizes and normalises (shaders/image/image_to_tensor.wgsl).
import { WebGPULayersError } from '../../core/errors.js';
import { contextOf } from '../../runtime/context.js';
import { planImage, type FromImageOptions } from './plan.js';
import { launchImageToTensor } from './kernel.js';
import { tensorHooks } from '../../core/hooks.js';
import { Tensor } from '../../core/tensor.js';

/** RGBA8 pixels, row-major, 4 bytes each: ImageData, or the same shape of object in Node. */
export interface PixelData {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** What `Tensor.fromImage` takes. */
export type ImageSource = PixelData | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | HTMLVideoElement | VideoFrame;

function isPixelData(source: unknown): source is PixelData {
  const s = source as PixelData;
  return typeof s === 'object' && s !== null && (s.data instanceof Uint8Array || s.data instanceof Uint8ClampedArray) && typeof s.width === 'number';
}

/** The source's size in pixels, or null when it is not an image source the kit knows. */
function sizeOf(source: object): [number, number] | null {
  const s = source as Record<string, unknown>;
  const pick = (w: string, h: string) => (typeof s[w] === 'number' && typeof s[h] === 'number' ? ([s[w] as number, s[h] as number] as [number, number]) : null);
  if (typeof VideoFrame !== 'undefined' && source instanceof VideoFrame) return pick('displayWidth', 'displayHeight');
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) return pick('videoWidth', 'videoHeight');
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) return pick('naturalWidth', 'naturalHeight');
  const known = ['ImageBitmap', 'HTMLCanvasElement', 'OffscreenCanvas'].some((name) => {
    const type = (globalThis as Record<string, unknown>)[name];
    return typeof type === 'function' && source instanceof (type as new () => object);
  });
  return known ? pick('width', 'height') : null;
}

/**
 * copyExternalImageToTexture, and for video sources a 2-D canvas in between where the browser cannot copy them
 * directly (headless Chromium on SwiftShader: "Failed to copy content from video element").
 */
function copyToTexture(device: GPUDevice, source: ImageSource, texture: GPUTexture, width: number, height: number): void {
  try {
    device.queue.copyExternalImageToTexture({ source: source as GPUCopyExternalImageSource }, { texture }, [width, height]);
  } catch (error) {
    const isVideo =
      (typeof VideoFrame !== 'undefined' && source instanceof VideoFrame) || (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement);
    if (!isVideo || typeof OffscreenCanvas === 'undefined') {
      throw new WebGPULayersError(
        'invalid-argument',
        `Tensor.fromImage: the browser could not copy this ${source.constructor?.name ?? 'source'} to the GPU (${(error as Error).message})`,
      );
    }
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(source as CanvasImageSource, 0, 0, width, height);
    device.queue.copyExternalImageToTexture({ source: canvas }, { texture }, [width, height]);
  }
}

export function tensorFromImage(device: GPUDevice, source: ImageSource, options: FromImageOptions = {}): Tensor {
  const who = 'Tensor.fromImage';
  const context = contextOf(device);
  context.checkUsable();
  if (typeof source !== 'object' || source === null)
    throw new WebGPULayersError('invalid-argument', `${who}: expected an image source, but got ${source === null ? 'null' : typeof source}`);
  const pixelData = isPixelData(source);
  const size = pixelData ? ([source.width, source.height] as [number, number]) : sizeOf(source);
  if (!size) {
    throw new WebGPULayersError(
      'invalid-argument',
      `${who}: expected an ImageBitmap, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, HTMLVideoElement, VideoFrame, ImageData or { data, width, height } of RGBA bytes, but got ${source.constructor?.name ?? 'an object'}`,
    );
  }
  const [width, height] = size;
  const plan = planImage(height, width, options);
  if (pixelData && source.data.length < width * height * 4) {
    throw new WebGPULayersError(
      'invalid-argument',
      `${who}: ${width}×${height} RGBA pixels need ${width * height * 4} bytes, but data has ${source.data.length}`,
    );
  }
  // Rows of a texture copy are padded to 256 bytes; uploaded pixels are not.
  const rowStride = pixelData ? width : Math.ceil((width * 4) / 256) * 64;
  const pixels = Tensor.empty(device, [height * rowStride]); // u32 pixels in an f32-sized tensor's buffer
  try {
    if (pixelData) {
      context.writeBuffer(pixels.buffer, new Uint8Array(source.data.buffer, source.data.byteOffset, width * height * 4));
    } else {
      const texture = context.imageTexture(width, height);
      copyToTexture(device, source, texture, width, height);
      context.batch.record({ kind: 'textureToBuffer', texture, destination: pixels.buffer, bytesPerRow: rowStride * 4, width, height });
    }
    const output = Tensor.empty(device, [1, 3, plan.outH, plan.outW]);
    output.setWrittenBy(launchImageToTensor(device, plan, rowStride, pixels.binding, output.binding));
    return output;
  } finally {
    pixels.dispose(); // back to the pool once the work that reads it is submitted
  }
}

tensorHooks.loadImage = tensorFromImage;
