/**
 * KL(q ‖ p) by generic Monte Carlo from log densities: E_q[log q(z) - log p(z)] ≈ mean over draws. Draws use
 * q.rsample when q has one (pathwise gradients), else q.sample (then the estimate carries no gradient to q's
 * parameters through z; the estimator analysis pairs such nodes with a score-function estimator).
 * q's batch shape must cover p's (the usual posterior-vs-prior case); the result has that batch shape.
 */
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';
import { mcSettings } from './mc-samples.js';

/** Generic Monte Carlo KL (rule 'generic-mc'), batch-shaped. */
export const klGenericMc: KlCompute = (q, p, options) =>
  tf.tidy(() => {
    const { rng, samples } = mcSettings(options, 'generic-mc');
    const z = q.signature.hasRsample ? q.rsample(rng, [samples]) : q.sample(rng, [samples]);
    return tf.mean(tf.sub(q.logProb(z), p.logProb(z)), 0);
  });
