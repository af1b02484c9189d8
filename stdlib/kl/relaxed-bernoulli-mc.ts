/**
 * KL(q ‖ p) between two RelaxedBernoulli distributions by Monte Carlo in logit space (Maddison et al. 2017
 * section 3.4): y ~ the logistic logit of q, KL ≈ mean_s [log q_Y(y_s) - log p_Y(y_s)]. z = sigmoid(y) is the
 * same map on both sides, so the Jacobians cancel and the estimate is the KL of the relaxed variables; logistic
 * densities stay finite at any temperature, where densities of z (= 0 or 1 in float32) do not.
 */
import type { Distribution } from '../distributions/distribution.js';
import { broadcastShapes } from '../distributions/discrete-params.js';
import { RelaxedBernoulli } from '../distributions/relaxed-bernoulli.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';
import { mcSettings } from './mc-samples.js';

/** The distribution as a RelaxedBernoulli, or a TypeError. */
function asRelaxedBernoulli(d: Distribution): RelaxedBernoulli {
  if (d instanceof RelaxedBernoulli) return d;
  throw new TypeError(`RelaxedBernoulli KL: expected RelaxedBernoulli, got ${d.name}`);
}

/** Monte Carlo estimate over options.samples logit-space draws (rule 'relaxed-bernoulli-mc'), batch-shaped. */
export const klRelaxedBernoulliMc: KlCompute = (qd, pd, options) =>
  tf.tidy(() => {
    const { rng, samples } = mcSettings(options, 'relaxed-bernoulli-mc');
    const q = asRelaxedBernoulli(qd);
    const p = asRelaxedBernoulli(pd);
    const batch = broadcastShapes(q.batchShape, p.batchShape);
    const qJoint = new RelaxedBernoulli({ logits: tf.broadcastTo(q.logits, batch), tau: q.tau });
    const y = qJoint.rsampleLogit(rng, [samples]);
    return tf.mean(tf.sub(qJoint.logProbLogit(y), p.logProbLogit(y)), 0);
  });
