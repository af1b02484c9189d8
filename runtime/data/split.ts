/**
 * Deterministic train/test split: a permutation of the rows drawn from the split seed; the first
 * round(testFraction × size) rows of it are the test set, the rest (in permutation order) the training set.
 * The same (size, testFraction, seed) always gives the same split on every machine.
 */
import { RandomStream } from '../../stdlib/random.js';
import { UserError } from '../errors.js';
import { takeRows, type Dataset } from './dataset.js';
import { deriveSeed, permutation } from './js-random.js';

/** Split options: the held-out fraction and the split's own seed. */
export interface SplitOptions {
  /** Fraction of rows held out for evaluation, in [0, 1); 0 gives an empty test set. */
  readonly testFraction: number;
  /** Seed of the split; by default independent of the training seed so runs with other seeds share a test set. */
  readonly seed: number;
}

/** Default held-out fraction: 10% (1,000 of MNIST's 10,000 digits). */
export const DEFAULT_TEST_FRACTION = 0.1;

/** The training and test datasets; `test` is undefined when testFraction rounds to zero rows. */
export interface Split {
  readonly train: Dataset;
  readonly test?: Dataset;
}

/** Splits a dataset into training and test rows by a seeded permutation. */
export function splitDataset(dataset: Dataset, options: SplitOptions): Split {
  const { testFraction } = options;
  if (!(testFraction >= 0 && testFraction < 1)) throw new UserError(`test fraction must be in [0, 1), got ${testFraction}`);
  const order = permutation(dataset.size, new RandomStream(deriveSeed(options.seed, 'split')));
  const nTest = Math.round(testFraction * dataset.size);
  if (dataset.size - nTest < 1) throw new UserError(`dataset '${dataset.name}' has ${dataset.size} rows: too few to hold out ${testFraction} for testing`);
  const train = takeRows(dataset, order.subarray(nTest), dataset.name);
  if (nTest === 0) return { train };
  return { train, test: takeRows(dataset, order.subarray(0, nTest), `${dataset.name} (test)`) };
}
