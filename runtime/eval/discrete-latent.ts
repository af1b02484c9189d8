/**
 * How each latent enters the recovered DISCRETE model that the papers evaluate (IGR paper v2 section 4.2:
 * test log-likelihoods "computed on the recovered discrete model"; docs/math.md sections 5 and 8).
 *
 * A relaxed latent becomes a categorical over the vertices it relaxes, with its recovered probabilities:
 *  - IGR_I: Proposition 2, P(H = k) by quadrature (stdlib igrDiscreteLogProbs, exact to ~1e-10);
 *  - IGR_SB, IGR_Planar: Monte Carlo, the mean of h(x) over M draws (Proposition 1), smoothed for the
 *    proposal (monte-carlo-recovery.ts);
 *  - GumbelSoftmax: softmax(logits), the GS's parameter interpretability (Jang et al. 2017 section 2);
 *  - GenGS: the truncated pmf π over its cells, whose values are the support c (GenGS Theorem 3-4).
 * The vertex values are one-hot vectors (simplex relaxations) or the cell values (GenGS: counts, vectors).
 * Any other latent (e.g. the Normal zc of JointVAE, or an exact discrete latent) is `sampled`: drawn from its
 * posterior and weighted by its own densities, as in any importance-weighted bound (Burda et al. 2016).
 *
 * Distributions are recognised by their language name (`dist.name`), not by class: a model compiled by the CLI
 * runs on the built runtime (dist/), which has its own copies of the stdlib classes.
 */
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import type { GenGS } from '../../stdlib/distributions/gen-gs.js';
import type { GumbelSoftmax } from '../../stdlib/distributions/gumbel-softmax.js';
import type { IgrBase } from '../../stdlib/distributions/igr-base.js';
import type { OneHotCategorical } from '../../stdlib/distributions/one-hot-categorical.js';
import { igrDiscreteLogProbs, igrHardCounts } from '../../stdlib/igr/discrete-recovery.js';
import type { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { UserError } from '../errors.js';
import { smoothedLogProbs } from './monte-carlo-recovery.js';

/** Stands for log 0 inside masked sums (0 · -inf would be NaN); exp of it is 0 in float32. */
export const LOG_ZERO = -1e30;

/** Families relaxing a categorical on the simplex (vertices are one-hot vectors). */
const SIMPLEX_FAMILIES = new Set(['IGR_I', 'IGR_SB', 'IGR_Planar', 'GumbelSoftmax', 'OneHotCategorical']);
/** Families whose discrete distribution is recovered by Monte Carlo. */
const MONTE_CARLO_FAMILIES = new Set(['IGR_SB', 'IGR_Planar']);

/** A discrete distribution recovered from a relaxed one. */
export interface RecoveredCategorical {
  /** log-probabilities over the categories, [...batch, K] (floored at LOG_ZERO). */
  readonly logProbs: tf.Tensor;
  /** Raw recovered probabilities (for Monte Carlo: the unsmoothed mean of h), [...batch, K]. */
  readonly probs: tf.Tensor;
  /** How it was recovered, for reports. */
  readonly method: string;
}

/** A relaxed latent seen as the categorical it relaxes. */
export interface CategoricalLatent {
  readonly kind: 'categorical';
  readonly name: string;
  /** Family of the posterior (IGR_I, IGR_SB, IGR_Planar, GumbelSoftmax, GenGS). */
  readonly family: string;
  /** True when the vertices are one-hot vectors of the simplex (the papers' uniform prior then applies). */
  readonly simplex: boolean;
  /** Recovered posterior q(k | x), [B, ...latent, K]. */
  readonly posterior: RecoveredCategorical;
  /** Recovered prior p(k), broadcastable to the posterior. */
  readonly prior: RecoveredCategorical;
  /** The latent's value at one-hot vertices [..., K]: the one-hot itself, or the GenGS cell values. */
  value(oneHot: tf.Tensor): tf.Tensor;
}

/** A latent sampled from its posterior and weighted by its densities (continuous or exactly discrete). */
export interface SampledLatent {
  readonly kind: 'sampled';
  readonly name: string;
  readonly family: string;
  readonly posterior: Distribution;
  readonly prior: Distribution;
}

/** One latent of the discretized model. */
export type DiscreteLatent = CategoricalLatent | SampledLatent;

/** Options of the recovery. */
export interface RecoveryOptions {
  readonly rng: RandomStream;
  /** Monte Carlo draws for IGR_SB / IGR_Planar posteriors (docs/math.md section 5: at least 1000). */
  readonly samples: number;
  /** Monte Carlo draws for priors (one row, so many more are cheap). */
  readonly priorSamples: number;
}

/** The discrete distribution a relaxed distribution recovers to, or undefined for a family that relaxes none. */
export function recoverCategorical(dist: Distribution, rng: RandomStream, samples: number): RecoveredCategorical | undefined {
  const family = dist.name;
  if (family === 'IGR_I') {
    const d = dist as IgrBase;
    const logProbs = tf.tidy(() => tf.maximum(igrDiscreteLogProbs(d.mu, d.sigma), LOG_ZERO));
    return { logProbs, probs: tf.exp(logProbs), method: 'Proposition 2 (quadrature)' };
  }
  if (MONTE_CARLO_FAMILIES.has(family)) {
    const counts = igrHardCounts(dist as IgrBase, rng, samples);
    const recovered = {
      logProbs: smoothedLogProbs(counts, samples),
      probs: tf.div(counts, samples),
      method: `Monte Carlo, ${samples} draws of h (Proposition 1)`,
    };
    counts.dispose();
    return recovered;
  }
  if (family === 'OneHotCategorical') {
    // Already discrete (a guide under `with relax`/`rebar`, a categorical prior): its own normalised logits.
    const logProbs = tf.tidy(() => tf.maximum((dist as OneHotCategorical).logits, LOG_ZERO));
    return { logProbs, probs: tf.exp(logProbs), method: 'exact (one-hot categorical)' };
  }
  if (family === 'GumbelSoftmax' || family === 'GenGS') {
    const logits = (dist as GumbelSoftmax | GenGS).logits;
    const logProbs = tf.tidy(() => tf.maximum(tf.logSoftmax(logits, -1), LOG_ZERO));
    return { logProbs, probs: tf.exp(logProbs), method: family === 'GenGS' ? 'truncated pmf over the cells' : 'softmax(logits)' };
  }
  return undefined;
}

/** The latent `name` of the discretized model, from its posterior and prior distributions. */
export function discreteLatent(name: string, posterior: Distribution, prior: Distribution, options: RecoveryOptions): DiscreteLatent {
  const q = recoverCategorical(posterior, options.rng, options.samples);
  if (q === undefined) {
    if (typeof (posterior as { sample?: unknown }).sample !== 'function') {
      throw new UserError(`cannot evaluate latent '${name}': its posterior ${posterior.name} can be neither recovered nor sampled`);
    }
    return { kind: 'sampled', name, family: posterior.name, posterior, prior };
  }
  const p = recoverCategorical(prior, options.rng, options.priorSamples);
  if (p === undefined) {
    tf.dispose([q.logProbs, q.probs]);
    throw new UserError(`cannot evaluate latent '${name}': its posterior ${posterior.name} relaxes a categorical but its prior ${prior.name} does not`);
  }
  const k = q.logProbs.shape[q.logProbs.rank - 1];
  if (p.logProbs.shape[p.logProbs.rank - 1] !== k) {
    tf.dispose([q.logProbs, q.probs, p.logProbs, p.probs]);
    throw new UserError(`cannot evaluate latent '${name}': its posterior has ${k} categories, its prior ${p.logProbs.shape.at(-1)}`);
  }
  const simplex = SIMPLEX_FAMILIES.has(posterior.name);
  const cells = posterior as GenGS;
  return {
    kind: 'categorical',
    name,
    family: posterior.name,
    simplex,
    posterior: q,
    prior: p,
    value: simplex ? (oneHot) => oneHot : (oneHot) => cells.transform(oneHot),
  };
}

/**
 * One relaxed sample on a simplex from a posterior, for the vertex-distance statistic: the IGR's z, the GS's
 * soft z (also when straight-through), the GenGS's relaxed one-hot over its cells; undefined otherwise.
 */
export function relaxedSimplexSample(dist: Distribution, rng: RandomStream): tf.Tensor | undefined {
  const family = dist.name;
  if (family.startsWith('IGR_')) return tf.tidy(() => (dist as IgrBase).rsampleDetailed(rng).z);
  if (family === 'GumbelSoftmax') return tf.tidy(() => tf.exp((dist as GumbelSoftmax).rsampleWithLog(rng).logSoft));
  if (family === 'GenGS') return tf.tidy(() => (dist as GenGS).rsampleWithCells(rng).cells);
  return undefined;
}
