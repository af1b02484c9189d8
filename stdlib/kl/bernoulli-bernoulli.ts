/** KL(q ‖ p) between two Bernoulli distributions. */
import { Bernoulli } from '../distributions/bernoulli.js';
import type { Distribution } from '../distributions/distribution.js';
import { logSigmoid } from '../distributions/discrete-params.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

/** The distribution as a Bernoulli, or a TypeError. */
function asBernoulli(d: Distribution): Bernoulli {
  if (d instanceof Bernoulli) return d;
  throw new TypeError(`Bernoulli KL: expected Bernoulli, got ${d.name}`);
}

/**
 * Closed form (rule 'bernoulli-bernoulli'): p_q (log p_q - log p_p) + (1-p_q)(log(1-p_q) - log(1-p_p)), with
 * every log as a log-sigmoid of the logits, so logits of ±100 give finite, exact terms.
 */
export const klBernoulliBernoulli: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const q = asBernoulli(qd).logits;
    const p = asBernoulli(pd).logits;
    const one = tf.mul(tf.sigmoid(q), tf.sub(logSigmoid(q), logSigmoid(p)));
    const zero = tf.mul(tf.sigmoid(tf.neg(q)), tf.sub(logSigmoid(tf.neg(q)), logSigmoid(tf.neg(p))));
    return tf.add(one, zero);
  });
