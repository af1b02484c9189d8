// PNG image grids: size, borders and pixel values, read back with pngjs.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageGridPng, pngDataUri, squareSide } from '../../runtime/report/image-grid.js';

describe('imageGridPng', () => {
  it('tiles the images with a 2-pixel border, each pixel drawn scale×scale, values clamped to [0, 1]', () => {
    const black = new Float32Array(4);
    const white = Float32Array.from([1, 1, 1, 2]);
    const ramp = Float32Array.from([0, 0.5, -1, 1]);
    const png = PNG.sync.read(imageGridPng({ height: 2, width: 2, images: [black, white, ramp] }, 2, 3));
    // 2 columns × (6 + 2) + 2 = 18 wide; 2 rows × (6 + 2) + 2 = 18 high.
    expect([png.width, png.height]).toEqual([18, 18]);
    const grey = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    expect(grey(0, 0)).toBe(150); // border
    expect(grey(2, 2)).toBe(0); // black image
    expect(grey(10, 2)).toBe(255); // white image
    expect(grey(10 + 5, 2 + 5)).toBe(255); // its value 2, clamped
    expect(grey(2 + 3, 10)).toBe(128); // ramp image, pixel (0, 1) = 0.5
    expect(grey(2, 10 + 3)).toBe(0); // ramp (1, 0) = -1, clamped
    expect(grey(10, 10)).toBe(150); // no fourth image: border colour
  });

  it('makes a data: URI and finds square image sides', () => {
    expect(pngDataUri(Buffer.from([1, 2, 3]))).toBe('data:image/png;base64,AQID');
    expect([784, 392, 16, 9, 64].map(squareSide)).toEqual([28, undefined, 4, undefined, 8]);
  });
});
