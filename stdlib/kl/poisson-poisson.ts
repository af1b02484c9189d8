/** KL(q ‖ p) between two Poisson distributions. */
import type { Distribution } from '../distributions/distribution.js';
import { Poisson } from '../distributions/poisson.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

/** The distribution as a Poisson, or a TypeError. */
function asPoisson(d: Distribution): Poisson {
  if (d instanceof Poisson) return d;
  throw new TypeError(`Poisson KL: expected Poisson, got ${d.name}`);
}

/** Closed form (rule 'poisson-poisson'): λ_q (log λ_q - log λ_p) - λ_q + λ_p. */
export const klPoissonPoisson: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const lq = asPoisson(qd).rate;
    const lp = asPoisson(pd).rate;
    return tf.add(tf.sub(tf.mul(lq, tf.sub(tf.log(lq), tf.log(lp))), lq), lp);
  });
