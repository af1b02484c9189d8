/**
 * Dataset transforms named in a dataset spec's query (docs/cli.md, "Data transforms"):
 *
 *   binarize=dynamic     every batch draws x ~ Bernoulli(grey level) afresh (dynamic binarization, as in the
 *                        IWAE paper of Burda et al. 2015, arXiv:1509.00519, and the IGR v1 protocol);
 *   binarize=fixed       x = 1 where the grey level is above 0.5, once (the same values as `mnist-binarized`);
 *   binarize=<t>         x = 1 where the grey level is above t, 0 < t < 1, once.
 *
 * Dynamic draws are a pure function of (run seed, draw index, position in the batch): the trainer passes the run's
 * seed and the step, so a run is reproducible, a resumed run draws what the uninterrupted run would have drawn
 * (nothing to checkpoint), and two steps draw different pixels. Evaluation passes its own seed and the batch number,
 * so the held-out data is one fixed draw for every evaluation of a run. Data binding (bind.ts) imports this file
 * and runs in a page: it imports nothing from Node.
 */
import { RandomStream } from '../../stdlib/random.js';
import { UserError } from '../errors.js';
import { makeDataset, type Column, type Dataset } from './dataset.js';
import { deriveSeed } from './js-random.js';

/** Which draw a batch is: the seed of the run (or of the evaluation) and a counter (the step, or the batch number). */
export interface DrawKey {
  readonly seed: number;
  readonly index: number;
}

/** The fixed binarization threshold of `binarize=fixed` (and of `mnist-binarized`). */
export const FIXED_THRESHOLD = 0.5;

/** What a `binarize=` value asks for: none, a Bernoulli draw per batch, or a threshold applied once. */
export type Binarize = { readonly kind: 'none' } | { readonly kind: 'dynamic' } | { readonly kind: 'threshold'; readonly threshold: number };

/** Parses the value of `binarize=` ('' = none); a bad value is a one-line UserError listing the accepted forms. */
export function parseBinarize(value: string, dataset: string): Binarize {
  const v = value.trim();
  if (v === '' || v === 'none') return { kind: 'none' };
  if (v === 'dynamic') return { kind: 'dynamic' };
  if (v === 'fixed') return { kind: 'threshold', threshold: FIXED_THRESHOLD };
  const t = Number(v);
  if (Number.isFinite(t) && t > 0 && t < 1) return { kind: 'threshold', threshold: t };
  throw new UserError(`dataset '${dataset}': binarize=${value} is not one of dynamic, fixed, none, or a threshold between 0 and 1 (e.g. binarize=0.3)`);
}

/** `ds` with its feature `x` binarized as asked; grey levels outside [0, 1] cannot be probabilities. */
export function applyBinarize(ds: Dataset, how: Binarize, column = 'x'): Dataset {
  if (how.kind === 'none') return ds;
  const x = ds.columns[column];
  for (let i = 0; i < x.values.length; i++) {
    const v = x.values[i];
    if (!(v >= 0 && v <= 1)) throw new UserError(`dataset '${ds.name}': binarize needs values in [0, 1], but '${column}' has ${v} (value ${i})`);
  }
  const next: Column =
    how.kind === 'dynamic'
      ? { values: x.values, rowShape: x.rowShape, draw: 'bernoulli' }
      : { values: x.values.map((v) => (v > how.threshold ? 1 : 0)), rowShape: x.rowShape };
  return makeDataset(ds.name, { ...ds.columns, [column]: next }, { features: ds.features, ...(ds.truth ? { truth: ds.truth } : {}) });
}

const TWO_POW_32 = 4294967296;

/**
 * A Bernoulli(p) draw for every value of `probs`, in place, from the stream keyed by `key`: x = 1 when u < p with
 * u uniform on [0, 1) from 32 random bits (`purpose` keeps the draws of two columns apart). P(x = 1) is p rounded down to a multiple of 2^-32, exact for 0 and 1
 * (grey levels of 0 stay 0, of 1 stay 1) and within 2.4e-10 otherwise, far below float32's resolution of p.
 */
export function drawBernoulli(probs: Float32Array, key: DrawKey, purpose = 'binarize'): Float32Array {
  const stream = new RandomStream(deriveSeed(key.seed, purpose, key.index));
  for (let i = 0; i < probs.length; i++) probs[i] = stream.nextSeed() / TWO_POW_32 < probs[i] ? 1 : 0;
  return probs;
}
