/** KL(q ‖ p) between two categorical distributions (Categorical or OneHotCategorical, either side). */
import { Categorical } from '../distributions/categorical.js';
import type { Distribution } from '../distributions/distribution.js';
import { OneHotCategorical } from '../distributions/one-hot-categorical.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

/**
 * Σ_k π^q_k (log π^q_k - log π^p_k) over the last axis, from normalised log-probabilities (finite: callers
 * floor log 0, so a zero-mass cell contributes exactly 0).
 */
export function categoricalKlFromLogits(logQ: tf.Tensor, logP: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const kq = logQ.shape[logQ.rank - 1];
    const kp = logP.shape[logP.rank - 1];
    if (kq !== kp) throw new RangeError(`categorical KL needs the same number of categories (${kq} vs ${kp})`);
    return tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)), -1);
  });
}

/** The normalised logits of a categorical-family distribution. */
function categoricalLogits(d: Distribution): tf.Tensor {
  if (d instanceof Categorical || d instanceof OneHotCategorical) return d.logits;
  throw new TypeError(`categorical KL: expected Categorical or OneHotCategorical, got ${d.name}`);
}

/** Closed-form categorical KL (rule 'categorical-categorical'). */
export const klCategoricalCategorical: KlCompute = (q, p) => categoricalKlFromLogits(categoricalLogits(q), categoricalLogits(p));
