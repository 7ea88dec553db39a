// The PyTorch image fixtures (test/fixtures/generate_images.py) and the images they were made from.
import fixtures from '../fixtures/images.json';

export interface ImageFixture {
  width: number;
  height: number;
  size: number | [number, number] | null;
  mean: [number, number, number];
  std: [number, number, number];
  shape: number[];
  data: number[];
}

export const imageFixtures = (fixtures as unknown as { cases: ImageFixture[] }).cases;

/** generate_images.py's fixture_image: RGBA bytes, row-major, alpha 255. */
export function fixtureImage(width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 37 + y * 11) % 256;
      data[i + 1] = (x * x + 3 * y * y) % 256;
      data[i + 2] = (255 * ((Math.floor(x / 3) + Math.floor(y / 2)) % 2)) ^ ((x * 5) % 64);
      data[i + 3] = 255;
    }
  }
  return data;
}

/** The options a fixture was made with. */
export const optionsOf = (f: ImageFixture) => ({ ...(f.size === null ? {} : { size: f.size }), mean: f.mean, std: f.std });
