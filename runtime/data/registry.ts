/**
 * Datasets by name (docs/runtime.md, "Datasets"). A dataset spec is one of:
 *  - a built-in name with optional parameters: `mnist`, `mnist-binarized`, `fashion-mnist`, e.g. `mnist?classes=0,1`,
 *    `mnist?binarize=dynamic` (transforms.ts);
 *  - a synthetic generator: `synthetic:<kind>?param=value&...` with kind poisson, binomial, multinomial,
 *    negbinomial or lda, e.g. `synthetic:poisson?rate=20&count=1000&seed=0`;
 *  - a path to a `.csv`, `.json` or `.npy` file.
 * Unknown names and parameters are one-line UserErrors that list what is accepted.
 */
import { extname } from 'node:path';
import { UserError } from '../errors.js';
import { loadCsv } from './csv.js';
import { makeDataset, type Dataset } from './dataset.js';
import { IMAGE_PIXELS } from './image-package.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadJson } from './json.js';
import { withLabelledRows } from './labelled.js';
import { loadMnist } from './mnist.js';
import { loadNpy } from './npy.js';
import {
  syntheticBinomial,
  syntheticMultinomial,
  syntheticNegativeBinomial,
  syntheticPoisson,
} from './synthetic.js';
import { TOPIC_CORPUS_DEFAULTS, syntheticTopicCorpus } from './topic-corpus.js';
import { applyBinarize, parseBinarize } from './transforms.js';

type Params = Record<string, string>;

interface Entry {
  /** Parameters and their defaults ('' = none), shown in messages and docs. */
  readonly params: Readonly<Record<string, string>>;
  readonly doc: string;
  load(spec: string, p: Params): Dataset;
}

const IMAGE_PARAMS = { classes: '0,1,2,3,4,5,6,7,8,9' };
/** Grey-level images also take a binarization (transforms.ts): none, dynamic, fixed or a threshold. */
const GREY_PARAMS = { ...IMAGE_PARAMS, binarize: 'none' };
const COUNT_SEED = { count: '1000', seed: '0' };

/** Every named dataset with its parameters (defaults) and a one-line description. */
export const DATASETS: Readonly<Record<string, Entry>> = {
  mnist: {
    params: { ...GREY_PARAMS, labels: '', label_seed: '0' },
    doc: 'the 10,000 digits of the mnist package, grey levels in [0, 1]; binarize=dynamic draws x ~ Bernoulli(grey level) every batch, binarize=fixed or =<threshold> thresholds once; labels=N adds a 0/1 column labelled marking N training rows per class (semi-supervised, labelled.ts)',
    load: (s, p) => {
      const ds = applyBinarize(loadMnist({ classes: numberList(p, 'classes') }), parseBinarize(p.binarize, s));
      return p.labels ? withLabelledRows(ds, num(p, 'labels'), num(p, 'label_seed')) : ds;
    },
  },
  'mnist-binarized': {
    params: IMAGE_PARAMS,
    doc: 'mnist with every pixel thresholded at 0.5 (for Bernoulli likelihoods)',
    load: (_s, p) => loadMnist({ classes: numberList(p, 'classes'), binarized: true }),
  },
  'mnist-halves': {
    params: IMAGE_PARAMS,
    doc: 'binarized mnist split into upper (rows 0-13) and lower (rows 14-27) halves, [392] each (structured output prediction)',
    load: (_s, p) => mnistHalves(loadMnist({ classes: numberList(p, 'classes'), binarized: true })),
  },
  none: {
    params: { count: '1000' },
    doc: 'no data, for models without data declarations (the count sets the number of steps per epoch)',
    load: (s, p) => noData(s, num(p, 'count')),
  },
  'fashion-mnist': {
    params: GREY_PARAMS,
    doc: 'the 70,000 images of the optional fashion-mnist package, scaled to [0, 1] (binarize= as for mnist)',
    load: (s, p) => applyBinarize(loadFashionMnist({ classes: numberList(p, 'classes') }), parseBinarize(p.binarize, s)),
  },
  'synthetic:poisson': {
    params: { rate: '20', ...COUNT_SEED },
    doc: 'i.i.d. Poisson(rate) draws, column x: [count]',
    load: (s, p) => syntheticPoisson({ name: s, rate: num(p, 'rate'), count: num(p, 'count'), seed: num(p, 'seed') }),
  },
  'synthetic:binomial': {
    params: { trials: '20', p: '0.3', ...COUNT_SEED },
    doc: 'i.i.d. Binomial(trials, p) draws, column x: [count]',
    load: (s, p) =>
      syntheticBinomial({ name: s, trials: num(p, 'trials'), p: num(p, 'p'), count: num(p, 'count'), seed: num(p, 'seed') }),
  },
  'synthetic:multinomial': {
    params: { trials: '3', probs: '0.7,0.2,0.1', ...COUNT_SEED },
    doc: 'i.i.d. Multinomial(trials, probs) draws, column x: [count, K]',
    load: (s, p) =>
      syntheticMultinomial({
        name: s,
        trials: num(p, 'trials'),
        probs: numberList(p, 'probs'),
        count: num(p, 'count'),
        seed: num(p, 'seed'),
      }),
  },
  'synthetic:negbinomial': {
    params: { r: '3', p: '0.4', ...COUNT_SEED },
    doc: 'i.i.d. NegativeBinomial(r, p) draws (successes before r failures), column x: [count]',
    load: (s, p) =>
      syntheticNegativeBinomial({ name: s, r: num(p, 'r'), p: num(p, 'p'), count: num(p, 'count'), seed: num(p, 'seed') }),
  },
  'synthetic:lda': {
    params: Object.fromEntries(Object.entries(TOPIC_CORPUS_DEFAULTS).map(([k, v]) => [k, String(v)])),
    doc: 'bag-of-words counts from a known LDA topic model, column x: [docs, vocab]; truth: topics, proportions',
    load: (s, p) =>
      syntheticTopicCorpus({
        name: s,
        topics: num(p, 'topics'),
        vocab: num(p, 'vocab'),
        docs: num(p, 'docs'),
        length: num(p, 'length'),
        alpha: num(p, 'alpha'),
        beta: num(p, 'beta'),
        seed: num(p, 'seed'),
      }),
  },
};

/** Upper and lower halves of each 28x28 image: the structured output prediction task (Raiko et al. 2014). */
function mnistHalves(ds: Dataset): Dataset {
  const x = ds.columns.x;
  const half = IMAGE_PIXELS / 2;
  const upper = new Float32Array(ds.size * half);
  const lower = new Float32Array(ds.size * half);
  for (let r = 0; r < ds.size; r++) {
    upper.set(x.values.subarray(r * IMAGE_PIXELS, r * IMAGE_PIXELS + half), r * half);
    lower.set(x.values.subarray(r * IMAGE_PIXELS + half, (r + 1) * IMAGE_PIXELS), r * half);
  }
  return makeDataset('mnist-halves', { upper: { values: upper, rowShape: [half] }, lower: { values: lower, rowShape: [half] }, label: ds.columns.label }, {
    features: ['upper', 'lower'],
  });
}

/** A dataset without features: `count` rows of an index label, so batches are empty records. */
function noData(name: string, count: number): Dataset {
  if (!Number.isInteger(count) || count < 1) throw new UserError(`dataset 'none': count must be a positive integer, got ${count}`);
  return makeDataset(name, { index: { values: Float32Array.from({ length: count }, (_, i) => i), rowShape: [] } }, { features: [] });
}

/** File extensions the loaders read. */
export const DATA_FILE_EXTENSIONS = ['.csv', '.json', '.npy'] as const;

/** Loads the dataset a spec names (see the module comment); every user mistake is a one-line UserError. */
export function loadDataset(spec: string): Dataset {
  const trimmed = spec.trim();
  if (trimmed === '') throw new UserError('no dataset given');
  const ext = extname(trimmed.split('?')[0]).toLowerCase();
  if (ext === '.csv') return loadCsv(trimmed);
  if (ext === '.json') return loadJson(trimmed);
  if (ext === '.npy') return loadNpy(trimmed);
  const q = trimmed.indexOf('?');
  const name = q < 0 ? trimmed : trimmed.slice(0, q);
  const entry = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined; // `constructor` is not a dataset
  if (entry === undefined) {
    if (/[\\/]/.test(name) || ext !== '') {
      throw new UserError(`cannot load '${trimmed}': data files must end in ${DATA_FILE_EXTENSIONS.join(', ')}`);
    }
    throw new UserError(`unknown dataset '${name}': use one of ${Object.keys(DATASETS).join(', ')}, or a path to a .csv, .json or .npy file`);
  }
  return entry.load(trimmed, parseParams(name, entry, q < 0 ? '' : trimmed.slice(q + 1)));
}

/** A one-line description of every named dataset with its parameters' defaults (for `--help` and docs). */
export function describeDatasets(): string[] {
  return Object.entries(DATASETS).map(([name, e]) => {
    const params = Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join('&');
    return `${name}${params ? `?${params}` : ''}: ${e.doc}`;
  });
}

function parseParams(name: string, entry: Entry, query: string): Params {
  const params: Params = { ...entry.params };
  for (const [k, v] of new URLSearchParams(query)) {
    if (!Object.hasOwn(entry.params, k)) {
      const known = Object.keys(entry.params);
      throw new UserError(`unknown parameter '${k}' for dataset '${name}' (${known.length ? `expected ${known.join(', ')}` : 'it takes none'})`);
    }
    params[k] = v;
  }
  return params;
}

function num(p: Params, key: string): number {
  const v = Number(p[key]);
  if (p[key].trim() === '' || !Number.isFinite(v)) throw new UserError(`dataset parameter ${key}=${p[key]} is not a number`);
  return v;
}

function numberList(p: Params, key: string): number[] {
  return p[key].split(',').map((s) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v)) throw new UserError(`dataset parameter ${key}=${p[key]} is not a comma-separated list of numbers`);
    return v;
  });
}
