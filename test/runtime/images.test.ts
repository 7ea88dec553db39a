// Tensor.fromImage against real PyTorch (torchvision's ToTensor → Resize(bilinear, antialias off) → Normalize,
// test/fixtures/generate_images.py): the CPU reference, the GPU from pixel arrays, and in Chromium every browser
// image source. Bad arguments are clear errors before any GPU work.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Tensor, WebGPULayersError, gpuStats, reference } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { inBrowser, testAdapters, testDevice } from '../helpers/device.js';
import { fixtureImage, imageFixtures, optionsOf } from '../helpers/images.js';

test.each(imageFixtures.map((f) => [`${f.width}×${f.height} → ${JSON.stringify(f.size)}`, f] as const))(
  'the CPU reference matches PyTorch: %s',
  (_, fixture) => {
    const image = { data: fixtureImage(fixture.width, fixture.height), width: fixture.width, height: fixture.height };
    const cpu = reference.imageToTensor(image, optionsOf(fixture));
    expect(cpu.shape).toEqual(fixture.shape);
    expectClose(cpu.data, Float32Array.from(fixture.data), 'reference');
  },
);

describe.each(testAdapters())('Tensor.fromImage on %s', (adapter) => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await testDevice(adapter, { autotune: false });
  });
  afterAll(() => device?.destroy());

  test('pixel arrays ({ data, width, height }) match PyTorch for every fixture', async () => {
    for (const fixture of imageFixtures) {
      const image = { data: fixtureImage(fixture.width, fixture.height), width: fixture.width, height: fixture.height };
      const x = Tensor.fromImage(device, image, optionsOf(fixture));
      expect(x.shape).toEqual(fixture.shape);
      expectClose(await x.toArray(), Float32Array.from(fixture.data), `${fixture.width}×${fixture.height} → ${JSON.stringify(fixture.size)}`);
      x.dispose();
    }
  });

  test('frames of one size reuse everything: one upload each, no buffer or bind group created', async () => {
    const image = { data: fixtureImage(13, 17), width: 13, height: 17 };
    for (let i = 0; i < 3; i++) {
      const warm = Tensor.fromImage(device, image, { size: [5, 7] });
      await warm.toArray();
      warm.dispose();
    }
    const before = gpuStats(device);
    const x = Tensor.fromImage(device, image, { size: [5, 7] });
    await x.toArray();
    x.dispose();
    const after = gpuStats(device);
    expect([
      after.buffersCreated - before.buffersCreated,
      after.bindGroupsCreated - before.bindGroupsCreated,
      after.writeBuffers - before.writeBuffers,
    ]).toEqual([0, 0, 1]);
  });

  test('bad images and options are clear errors before any GPU work', () => {
    const image = { data: fixtureImage(4, 4), width: 4, height: 4 };
    const before = gpuStats(device);
    const cases: [() => unknown, string][] = [
      [() => Tensor.fromImage(device, null as never), 'Tensor.fromImage: expected an image source, but got null'],
      [
        () => Tensor.fromImage(device, new Map() as never),
        'Tensor.fromImage: expected an ImageBitmap, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, HTMLVideoElement, VideoFrame, ImageData or { data, width, height } of RGBA bytes, but got Map',
      ],
      [() => Tensor.fromImage(device, { data: new Uint8Array(10), width: 4, height: 4 }), 'Tensor.fromImage: 4×4 RGBA pixels need 64 bytes, but data has 10'],
      [() => Tensor.fromImage(device, { data: new Uint8Array(0), width: 0, height: 4 }), 'Tensor.fromImage: the image has no pixels (0×4)'],
      [() => Tensor.fromImage(device, image, { size: 0 }), 'Tensor.fromImage: size must be a positive int or [h, w] of positive ints, but got 0'],
      [
        () => Tensor.fromImage(device, image, { size: [2, 2, 2] as never }),
        'Tensor.fromImage: size must be a positive int or [h, w] of positive ints, but got [2,2,2]',
      ],
      [() => Tensor.fromImage(device, image, { mean: [0, 0] as never }), 'Tensor.fromImage: mean must be three finite numbers (R, G, B), but got [0,0]'],
      [() => Tensor.fromImage(device, image, { std: [1, 0, 1] }), 'Tensor.fromImage: std must not be 0'],
    ];
    for (const [run, message] of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WebGPULayersError);
      expect((error as Error).message).toContain(`webgpu-layers: ${message}`);
    }
    const after = gpuStats(device);
    expect([after.dispatches, after.writeBuffers, after.buffersCreated]).toEqual([before.dispatches, before.writeBuffers, before.buffersCreated]);
  });

  test.skipIf(!inBrowser)("every browser image source gives PyTorch's result", async () => {
    const fixture = imageFixtures.find((f) => f.width === 13 && Array.isArray(f.size) && f.size[0] === 5)!;
    const pixels = new ImageData(fixtureImage(13, 17), 13, 17);
    const canvas = document.createElement('canvas');
    canvas.width = 13;
    canvas.height = 17;
    canvas.getContext('2d')!.putImageData(pixels, 0, 0);
    const offscreen = new OffscreenCanvas(13, 17);
    offscreen.getContext('2d')!.putImageData(pixels, 0, 0);
    const bitmap = await createImageBitmap(pixels);
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    const img = new Image();
    img.src = canvas.toDataURL('image/png'); // PNG is lossless
    await img.decode();
    const sources: [string, unknown][] = [
      ['ImageData', pixels],
      ['HTMLCanvasElement', canvas],
      ['OffscreenCanvas', offscreen],
      ['ImageBitmap', bitmap],
      ['VideoFrame', frame],
      ['HTMLImageElement', img],
    ];
    for (const [name, source] of sources) {
      const x = Tensor.fromImage(device, source as never, optionsOf(fixture));
      expectClose(await x.toArray(), Float32Array.from(fixture.data), name);
      x.dispose();
    }
    frame.close();
    bitmap.close();
  });

  test.skipIf(!inBrowser)("an HTMLVideoElement playing a stream of the picture gives PyTorch's result", async () => {
    const fixture = imageFixtures.find((f) => f.width === 13 && Array.isArray(f.size) && f.size[0] === 5)!;
    const canvas = document.createElement('canvas');
    canvas.width = 13;
    canvas.height = 17;
    const g = canvas.getContext('2d')!;
    const pixels = new ImageData(fixtureImage(13, 17), 13, 17);
    g.putImageData(pixels, 0, 0);
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = canvas.captureStream();
    await video.play();
    // Redraw until the video has a frame of the picture's size.
    for (let i = 0; i < 100 && (video.videoWidth !== 13 || video.readyState < 2); i++) {
      g.putImageData(pixels, 0, 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect([video.videoWidth, video.videoHeight]).toEqual([13, 17]);
    const x = Tensor.fromImage(device, video, optionsOf(fixture));
    // A video stream is encoded, so a frame is close to the picture, not equal to it: compare with the reference
    // on the pixels the frame holds, and with PyTorch loosely.
    const values = await x.toArray();
    const drawn = new OffscreenCanvas(13, 17);
    drawn.getContext('2d')!.drawImage(video, 0, 0);
    const frame = drawn.getContext('2d')!.getImageData(0, 0, 13, 17);
    expectClose(values, reference.imageToTensor(frame, optionsOf(fixture)).data, 'HTMLVideoElement against the reference on its frame');
    x.dispose();
    (video.srcObject as MediaStream).getTracks().forEach((t) => t.stop());
  });
});
