/**
 * The playground's data, all in the page (no network): a subset of binarized MNIST bundled with the page (the
 * build packs it at one bit per pixel), its upper/lower halves, sgm's synthetic data sets, no data, and a CSV
 * file the user uploads (parsed with the runtime's CSV parser). Which data a shipped model trains on by default
 * follows test/codegen/train-models.test.ts.
 */
import * as runtime from '../../runtime/browser.js';

/** The data choices of the menu. */
export const DATA_CHOICES = ['mnist-binarized', 'mnist-halves', 'synthetic:poisson', 'synthetic:binomial', 'synthetic:multinomial', 'synthetic:negbinomial', 'synthetic:lda', 'none', 'csv'] as const;
export type DataChoice = (typeof DATA_CHOICES)[number];

/** The default data of each shipped model (others: by the shape of their data, see defaultData). */
const MODEL_DATA: Readonly<Record<string, DataChoice>> = {
  sbn_structured_output: 'mnist-halves',
  sbn_structured_output_igr: 'mnist-halves',
  gengs_poisson: 'synthetic:poisson',
  gengs_binomial: 'synthetic:binomial',
  gengs_multinomial: 'synthetic:multinomial',
  gengs_negbinomial: 'synthetic:negbinomial',
  poisson_topic_model: 'synthetic:lda',
  poisson50_igr_sb: 'none',
  poisson50_gs: 'none',
};

/** The default data for a model: its entry above, else MNIST when a declaration has 784 columns, else none. */
export function defaultData(metadata: runtime.ModelMetadata): DataChoice {
  const known = MODEL_DATA[metadata.name];
  if (known) return known;
  if (metadata.data.length === 0) return 'none';
  return metadata.data.some((d) => d.shape.includes(784)) ? 'mnist-binarized' : 'synthetic:poisson';
}

/** The bundled digits: base64 of 784 bits per image, `count` images. */
export interface PackedDigits {
  readonly count: number;
  readonly bits: string;
}

function unpack(packed: PackedDigits): Float32Array {
  const bytes = Uint8Array.from(atob(packed.bits), (c) => c.charCodeAt(0));
  const out = new Float32Array(packed.count * 784);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return out;
}

let digits: Float32Array | undefined;

/** The dataset of a choice; `csv` needs the uploaded text. */
export function makeData(choice: DataChoice, packed: PackedDigits, csv?: { name: string; text: string }): runtime.Dataset {
  const synthetic = { count: 1000, seed: 0 };
  switch (choice) {
    case 'mnist-binarized':
      digits ??= unpack(packed);
      return runtime.makeDataset(`mnist-binarized (${packed.count} bundled digits)`, { x: { values: digits, rowShape: [784] } });
    case 'mnist-halves': {
      digits ??= unpack(packed);
      const upper = new Float32Array(packed.count * 392);
      const lower = new Float32Array(packed.count * 392);
      for (let r = 0; r < packed.count; r++) {
        upper.set(digits.subarray(r * 784, r * 784 + 392), r * 392);
        lower.set(digits.subarray(r * 784 + 392, (r + 1) * 784), r * 392);
      }
      return runtime.makeDataset('mnist-halves (bundled digits)', { upper: { values: upper, rowShape: [392] }, lower: { values: lower, rowShape: [392] } });
    }
    case 'synthetic:poisson':
      return runtime.syntheticPoisson({ rate: 20, ...synthetic });
    case 'synthetic:binomial':
      return runtime.syntheticBinomial({ trials: 20, p: 0.3, ...synthetic });
    case 'synthetic:multinomial':
      return runtime.syntheticMultinomial({ trials: 3, probs: [0.7, 0.2, 0.1], ...synthetic });
    case 'synthetic:negbinomial':
      return runtime.syntheticNegativeBinomial({ r: 3, p: 0.4, ...synthetic });
    case 'synthetic:lda':
      return runtime.syntheticTopicCorpus({ ...runtime.TOPIC_CORPUS_DEFAULTS, vocab: 500, topics: 20, docs: 200, length: 80, seed: 0 });
    case 'none':
      return runtime.makeDataset('none', { index: { values: Float32Array.from({ length: 1000 }, (_, i) => i), rowShape: [] } }, { features: [] });
    case 'csv':
      if (!csv) throw new runtime.UserError('choose a CSV file first');
      return runtime.parseCsv(csv.text, csv.name);
  }
}
