/**
 * A semi-supervised labelling of an image dataset (`mnist?labels=100`): a 0/1 column `labelled` marking
 * `perClass` rows of every class, chosen among the rows that the default split (test fraction 0.1, split seed 0,
 * split.ts) puts into the training set, so all of them are training rows; `label` keeps every row's class (a
 * model reads it only where `labelled` is 1, `data label: [B] with obs_mask(labelled)`, and reports test accuracy
 * against it). The choice is a seeded permutation of those rows (seed `labelSeed`), the first `perClass` of each
 * class in that order, the same on every machine. Kingma et al. 2014 (arXiv:1406.5298) draw their 100 labels per
 * class the same way, uniformly per class.
 */
import { RandomStream } from '../../stdlib/random.js';
import { UserError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';
import { deriveSeed, permutation } from './js-random.js';
import { DEFAULT_TEST_FRACTION } from './split.js';

/** Adds the `labelled` column: `perClass` training rows of every class (see the module comment). */
export function withLabelledRows(ds: Dataset, perClass: number, labelSeed: number): Dataset {
  if (!Number.isInteger(perClass) || perClass < 1) throw new UserError(`labels must be a positive integer (labelled rows per class), got ${perClass}`);
  const label = ds.columns.label;
  if (label === undefined) throw new UserError(`dataset '${ds.name}' has no label column to mark labelled rows in`);
  // The training rows of the default split, exactly as splitDataset orders them.
  const order = permutation(ds.size, new RandomStream(deriveSeed(0, 'split')));
  const train = order.subarray(Math.round(DEFAULT_TEST_FRACTION * ds.size));
  const shuffled = permutation(train.length, new RandomStream(deriveSeed(labelSeed, 'labels')));
  const mask = new Float32Array(ds.size);
  const taken = new Map<number, number>();
  for (const i of shuffled) {
    const row = train[i];
    const c = label.values[row];
    const n = taken.get(c) ?? 0;
    if (n >= perClass) continue;
    taken.set(c, n + 1);
    mask[row] = 1;
  }
  for (const [c, n] of taken) {
    if (n < perClass) throw new UserError(`labels=${perClass}: class ${c} has only ${n} training rows`);
  }
  return makeDataset(ds.name, { ...ds.columns, labelled: { values: mask, rowShape: [] } }, { features: ds.features, ...(ds.truth ? { truth: ds.truth } : {}) });
}
