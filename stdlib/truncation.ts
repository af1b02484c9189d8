/**
 * Truncation of count distributions (GenGS paper Definition 1; docs/math.md section 7): the pmf on a finite
 * window of cells, with the mass outside folded into the edge cells, so that the cells can be relaxed with
 * Gumbel-Softmax. One-sided: cells 0..n-1, π_k = p(k) for k < n-1 and π_{n-1} = P(X ≥ n-1). Two-sided
 * (GenGS appendix A): cells lo..hi, π_lo = P(X ≤ lo), π_hi = P(X ≥ hi).
 *
 * Works batched for Poisson, Binomial, Geometric, NegativeBinomial (and Bernoulli): every cell is one call
 * of the distribution's own logProb, broadcast over its batch shape.
 */
import type { Distribution } from './distributions/distribution.js';
import { detached } from './distributions/discrete-params.js';
import { tf } from './tf.js';

/** A distribution over {0, 1, ...} with an elementwise logProb (the bases truncation understands). */
export interface CountDistribution extends Distribution {
  /** The largest value of the support over the batch (Infinity when unbounded). */
  readonly supportMax: number;
  /** Exact log P(X ≥ m), when the distribution has one in closed form (Geometric). */
  logSurvival?(m: number): tf.Tensor;
}

/** Whether `d` is a count distribution truncation can handle. */
export function isCountDistribution(d: Distribution): d is CountDistribution {
  return typeof (d as Partial<CountDistribution>).supportMax === 'number' && d.eventShape.length === 0;
}

/** The truncated pmf of a count distribution and what the truncation cost. */
export interface TruncatedPmf {
  /** log π, normalised: [...batchShape, cells]. */
  readonly logProbs: tf.Tensor;
  /** π: [...batchShape, cells], sums to 1 over the last axis. */
  readonly probs: tf.Tensor;
  /** The value of each cell, c = (lo, ..., hi). */
  readonly support: readonly number[];
  /**
   * The mass of the edge cells, as docs/math.md section 7 asks to report: P(X ≥ hi) (one-sided: P(X ≥ n-1)), plus
   * P(X ≤ lo) when lo > 0. Shape batchShape.
   */
  readonly tailMass: tf.Tensor;
  /** The mass that truncation moved: P(X > hi) + P(X < lo) (0 when nothing was cut). Shape batchShape. */
  readonly foldedMass: tf.Tensor;
}

/**
 * Log masses are floored here before any logsumexp or use as logits: e^-1e4 is exactly 0 in float32 either
 * way, and the floor keeps logsumexp over impossible cells (Binomial cells above a smaller N) and 0·log 0 in
 * KL terms finite instead of NaN.
 */
export const LOG_MASS_FLOOR = -1e4;

/** Above this complement 1 - P(X < m) the tail is taken from the complement (relative error ≤ ~1e-5). */
const COMPLEMENT_THRESHOLD = 0.05;

/** Cells 0..n-1 with P(X ≥ n-1) in the last cell (GenGS Definition 1). */
export function truncatedPmf(dist: CountDistribution, n: number): TruncatedPmf {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`truncation level must be an integer ≥ 1, got ${n}`);
  return truncatedPmfTwoSided(dist, 0, n - 1);
}

/** Cells lo..hi with P(X ≤ lo) in the first and P(X ≥ hi) in the last cell (GenGS appendix A). */
export function truncatedPmfTwoSided(dist: CountDistribution, lo: number, hi: number): TruncatedPmf {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= lo)) {
    throw new RangeError(`two-sided truncation needs integers 0 ≤ lo ≤ hi, got ${lo}..${hi}`);
  }
  if (hi > dist.supportMax) {
    throw new RangeError(`truncation upper end ${hi} exceeds the support of ${dist.name} (max ${dist.supportMax})`);
  }
  const support = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const result = tf.tidy(() => {
    const logAll = logPmfAt(dist, range(0, hi + 1)); // [hi + 1, ...batch]
    const at = (k: number): tf.Tensor => tf.squeeze(tf.slice(logAll, k, 1), [0]);
    const logLower = lo > 0 ? logSumExp0(tf.slice(logAll, 0, lo + 1)) : at(0); // log P(X ≤ lo)
    const logUpper = logUpperTail(dist, hi, tf.slice(logAll, 0, hi)); // log P(X ≥ hi)
    let cells: tf.Tensor;
    if (lo === hi) {
      cells = tf.zeros([1, ...dist.batchShape]);
    } else {
      const middle = tf.slice(logAll, lo + 1, hi - lo - 1);
      cells = tf.concat([tf.expandDims(logLower, 0), middle, tf.expandDims(logUpper, 0)], 0);
    }
    // Normalise: the float32 pmf terms (errors ~1e-6 relative, more for large counts) and the tail estimate
    // need not sum to exactly 1; renormalising spreads that error over the cells instead of leaving Σπ ≠ 1.
    const floored = tf.maximum(cells, LOG_MASS_FLOOR);
    const normalised = tf.sub(floored, logSumExp0(floored, true));
    const perm = [...Array.from({ length: dist.batchShape.length }, (_, i) => i + 1), 0];
    const logProbs = tf.transpose(normalised, perm);
    const probs = tf.exp(logProbs);
    const first = tf.exp(tf.squeeze(tf.slice(normalised, 0, 1), [0]));
    const last = tf.exp(tf.squeeze(tf.slice(normalised, hi - lo, 1), [0]));
    const tailMass = lo === hi ? tf.onesLike(first) : lo > 0 ? tf.add(first, last) : last;
    // Folded mass: P(X ≥ hi) - p(hi) above, P(X ≤ lo) - p(lo) below; clamped against float32 cancellation.
    const foldedUpper = tf.relu(tf.sub(tf.exp(logUpper), tf.exp(at(hi))));
    const foldedLower = lo > 0 ? tf.relu(tf.sub(tf.exp(logLower), tf.exp(at(lo)))) : tf.zerosLike(foldedUpper);
    return { logProbs, probs, tailMass, foldedMass: tf.add(foldedUpper, foldedLower) };
  });
  return { ...result, support };
}

/** Integers start..end-1. */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** log p(k) for each k, stacked on a leading axis: [ks.length, ...batchShape]. */
function logPmfAt(dist: CountDistribution, ks: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const values = tf.tensor(ks as number[], [ks.length, ...dist.batchShape.map(() => 1)], 'float32');
    const lp = dist.logProb(values);
    // logProb broadcasts the values against the batch; a batch of size-1 axes may still need expanding.
    return tf.maximum(tf.broadcastTo(lp, [ks.length, ...dist.batchShape]), LOG_MASS_FLOOR);
  });
}

/** logsumexp over axis 0 (inputs are floored, so an all-impossible axis gives the floor, not NaN). */
function logSumExp0(x: tf.Tensor, keepDims = false): tf.Tensor {
  return tf.logSumExp(x, 0, keepDims);
}

/**
 * log P(X ≥ m) given log p(0..m-1) (`logHead`, [m, ...batch]).
 *  - closed form when the distribution has one (Geometric);
 *  - finite support (Binomial): the exact sum over m..max;
 *  - otherwise the larger-tail / smaller-tail split: when 1 - P(X < m) > 0.05 it is accurate as a complement;
 *    below that the complement loses relative precision (float32 cancellation), so the tail is summed
 *    directly over a window m..m+W-1 plus a geometric extrapolation of the rest from the last ratio
 *    p(k+1)/p(k) (an upper bound for log-concave pmfs such as Poisson, exact for Geometric-like decay).
 *    W = 16 + 9√m: a Poisson tail beyond its mean shrinks by at least exp(-j²/2m) over j cells, so the window
 *    covers all but e^-40 of it whenever the complement test sent us here.
 */
function logUpperTail(dist: CountDistribution, m: number, logHead: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (m === 0) return tf.zeros([...dist.batchShape]);
    if (dist.logSurvival) return tf.maximum(dist.logSurvival(m), LOG_MASS_FLOOR);
    if (Number.isFinite(dist.supportMax)) return logSumExp0(logPmfAt(dist, range(m, dist.supportMax + 1)));
    const W = 16 + Math.ceil(9 * Math.sqrt(m));
    const logWindow = logPmfAt(dist, range(m, m + W));
    const lastLog = tf.squeeze(tf.slice(logWindow, W - 1, 1), [0]);
    const prevLog = tf.squeeze(tf.slice(logWindow, W - 2, 1), [0]);
    // Ratio capped below 1: a window that ends while the pmf still rises means a heavy tail, which the
    // complement branch handles; the cap only keeps this unused branch finite.
    const logRatio = tf.minimum(tf.sub(lastLog, prevLog), Math.log(1 - 1e-3));
    const logRest = tf.sub(tf.add(lastLog, logRatio), tf.log1p(tf.neg(tf.exp(logRatio))));
    const logWindowed = logSumExp0(tf.concat([logWindow, tf.expandDims(logRest, 0)], 0));
    const complement = tf.sub(1, tf.exp(logSumExp0(logHead)));
    // The complement is clamped before log so the unselected branch has a finite gradient.
    const logComplement = tf.log(tf.maximum(complement, 1e-30));
    const useComplement = detached((c) => tf.greater(c, COMPLEMENT_THRESHOLD), complement);
    return tf.where(useComplement, logComplement, logWindowed);
  });
}
