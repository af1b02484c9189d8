/**
 * A small synthetic bag-of-words corpus from a known LDA topic model (Blei, Ng & Jordan 2003): K topics
 * φ_k ~ Dirichlet(β) over a vocabulary of V words, per document proportions θ_d ~ Dirichlet(α), and
 * `length` words per document, each drawn from topic z ~ θ_d then word w ~ φ_z. The word counts are the
 * feature column `x` [docs, V]; the true topics and proportions are returned in `truth` so a model's
 * recovered topics can be compared with them.
 */
import { UserError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';
import { cumulative, sampleDirichlet, sampleIndex } from './samplers.js';
import { requireCount, requirePositive, streamFor } from './synthetic.js';

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
  const stream = streamFor(options, 'lda');
  const topics = new Float32Array(k * v);
  const topicCdfs: Float64Array[] = [];
  for (let t = 0; t < k; t++) {
    const phi = sampleDirichlet(stream, new Array<number>(v).fill(options.beta));
    topics.set(phi, t * v);
    topicCdfs.push(cumulative(phi));
  }
  const proportions = new Float32Array(d * k);
  const counts = new Float32Array(d * v);
  for (let doc = 0; doc < d; doc++) {
    const theta = sampleDirichlet(stream, new Array<number>(k).fill(options.alpha));
    proportions.set(theta, doc * k);
    const thetaCdf = cumulative(theta);
    for (let i = 0; i < length; i++) {
      const z = sampleIndex(stream, thetaCdf);
      counts[doc * v + sampleIndex(stream, topicCdfs[z])]++;
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
