/**
 * A small synthetic bag-of-words corpus from a known LDA topic model (Blei, Ng & Jordan 2003): K topics
 * φ_k ~ Dirichlet(β) over a vocabulary of V words, per document proportions θ_d ~ Dirichlet(α), and
 * `length` words per document, each drawn from topic z ~ θ_d then word w ~ φ_z. The word counts are the
 * feature column `x` [docs, V]; the true topics and proportions are returned in `truth` so a model's
 * recovered topics can be compared with them.
 */
import { sampleGamma, type UniformSource } from '../../stdlib/distributions/count-samplers.js';
import { UserError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';
import { requireCount, requirePositive, sourceFor } from './synthetic.js';

/** Parameters of the topic-model corpus. */
export interface TopicCorpusOptions {
  readonly topics: number;
  readonly vocab: number;
  readonly docs: number;
  /** Words per document. */
  readonly length: number;
  /** Dirichlet concentration of the document proportions θ. */
  readonly alpha: number;
  /** Dirichlet concentration of the topics φ. */
  readonly beta: number;
  readonly seed: number;
  readonly name?: string;
}

/** Defaults: 5 topics over 50 words, 200 documents of 80 words, sparse proportions and topics. */
export const TOPIC_CORPUS_DEFAULTS = { topics: 5, vocab: 50, docs: 200, length: 80, alpha: 0.5, beta: 0.1, seed: 0 } as const;

/** The corpus: counts `x` [docs, vocab]; truth `topics` [K, V] (rows sum to 1) and `proportions` [docs, K]. */
export function syntheticTopicCorpus(options: TopicCorpusOptions): Dataset {
  const { topics: k, vocab: v, docs: d, length } = options;
  requireCount('topics', k);
  requireCount('vocab', v);
  requireCount('docs', d);
  requireCount('length', length);
  requirePositive('alpha', options.alpha);
  requirePositive('beta', options.beta);
  if (k > v) throw new UserError(`synthetic lda: topics (${k}) must not exceed vocab (${v})`);
  const src = sourceFor(options, 'lda');
  const topics = new Float32Array(k * v);
  const topicCdfs: Float64Array[] = [];
  for (let t = 0; t < k; t++) {
    const phi = sampleDirichlet(src, new Array<number>(v).fill(options.beta));
    topics.set(phi, t * v);
    topicCdfs.push(cumulative(phi));
  }
  const proportions = new Float32Array(d * k);
  const counts = new Float32Array(d * v);
  for (let doc = 0; doc < d; doc++) {
    const theta = sampleDirichlet(src, new Array<number>(k).fill(options.alpha));
    proportions.set(theta, doc * k);
    const thetaCdf = cumulative(theta);
    for (let i = 0; i < length; i++) {
      const z = sampleIndex(src, thetaCdf);
      counts[doc * v + sampleIndex(src, topicCdfs[z])]++;
    }
  }
  const name =
    options.name ?? `synthetic:lda?topics=${k}&vocab=${v}&docs=${d}&length=${length}&alpha=${options.alpha}&beta=${options.beta}`;
  return makeDataset(
    name,
    { x: { values: counts, rowShape: [v] } },
    { truth: { topics: { values: topics, shape: [k, v] }, proportions: { values: proportions, shape: [d, k] } } },
  );
}

/** A Dirichlet(alpha) draw: independent Gamma(alpha_k) draws, normalised. */
function sampleDirichlet(src: UniformSource, alpha: readonly number[]): Float64Array {
  const g = Float64Array.from(alpha, (a) => sampleGamma(a, src));
  const total = g.reduce((a, b) => a + b, 0);
  // All draws can underflow to 0 for tiny alpha: fall back to a uniformly chosen vertex, the alpha → 0 limit.
  if (total === 0) g[Math.min(g.length - 1, Math.floor(src.uniform() * g.length))] = 1;
  else for (let k = 0; k < g.length; k++) g[k] /= total;
  return g;
}

/** Cumulative sums of probabilities that sum to 1 (the last entry is set to exactly 1 against round-off). */
function cumulative(probs: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(probs.length);
  let total = 0;
  for (let k = 0; k < probs.length; k++) cdf[k] = total += probs[k];
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/** The category k with cdf[k-1] <= u < cdf[k] for a uniform u (binary search). */
function sampleIndex(src: UniformSource, cdf: Float64Array): number {
  const u = src.uniform();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
