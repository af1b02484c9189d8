/**
 * Image grids as PNG (pngjs): a set of grey-scale images (values in [0, 1], e.g. 28×28 MNIST digits) tiled in
 * rows with a thin border, for reconstructions and samples in the report, embedded as data: URIs.
 */
import { PNG } from 'pngjs';

/** Images of one size, row-major, values in [0, 1] (clamped). */
export interface ImageSet {
  readonly height: number;
  readonly width: number;
  readonly images: readonly Float32Array[];
}

/** Pixels between cells and around the grid. */
const BORDER = 2;
/** The border's grey level (0-255). */
const BORDER_GREY = 150;

/** A PNG of the images tiled `columns` per row, each pixel drawn `scale`×`scale`. */
export function imageGridPng(set: ImageSet, columns: number, scale = 2): Buffer {
  const { height: h, width: w, images } = set;
  const rows = Math.max(1, Math.ceil(images.length / columns));
  const cellW = w * scale;
  const cellH = h * scale;
  const png = new PNG({ width: columns * (cellW + BORDER) + BORDER, height: rows * (cellH + BORDER) + BORDER, colorType: 0 });
  png.data.fill(BORDER_GREY);
  for (let i = 0; i < png.data.length; i += 4) png.data[i + 3] = 255;
  images.forEach((img, k) => {
    if (img.length !== h * w) throw new Error(`image ${k} has ${img.length} values, expected ${h}×${w}`);
    const x0 = BORDER + (k % columns) * (cellW + BORDER);
    const y0 = BORDER + Math.floor(k / columns) * (cellH + BORDER);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const v = img[Math.floor(y / scale) * w + Math.floor(x / scale)];
        const grey = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        const o = ((y0 + y) * png.width + (x0 + x)) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = grey;
      }
    }
  });
  return PNG.sync.write(png, { colorType: 0 });
}

/** A PNG as a data: URI for an `<img src>`. */
export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** The side of a square image with `n` pixels (28 for 784), or undefined when n is not a square of at least 16. */
export function squareSide(n: number): number | undefined {
  const side = Math.round(Math.sqrt(n));
  return side >= 4 && side * side === n ? side : undefined;
}
