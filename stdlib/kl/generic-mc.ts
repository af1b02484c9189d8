/**
 * KL(q ‖ p) by generic Monte Carlo from log densities: E_q[log q(z) - log p(z)] ≈ mean over draws. Draws use
 * q.rsample when q has one (pathwise gradients), else q.sample (then the estimate carries no gradient to q's
 * parameters through z; the estimator analysis pairs such nodes with a score-function estimator).
 * q's batch shape must cover p's (the usual posterior-vs-prior case); the result has that batch shape.
 *
 * Relaxed distributions (IGR, Gumbel-Softmax, RelaxedBernoulli) are drawn and scored in their log space
 * (log-space.ts): log z or logit(z), never z, which underflows in float32 at low τ (at τ = 0.01 a density of z
 * taken on both sides gave a negative KL). Both sides must then evaluate densities in the same space; a relaxed
 * density against anything else is refused (the analysis rejects such pairs with SGM5004).
 */
import { hasLogSpace, logProbOfDraw, logProbOfOwnDraw } from '../distributions/log-space.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';
import { mcSettings } from './mc-samples.js';

/** Generic Monte Carlo KL (rule 'generic-mc'), batch-shaped. */
export const klGenericMc: KlCompute = (q, p, options) =>
  tf.tidy(() => {
    const { rng, samples } = mcSettings(options, 'generic-mc');
    if (hasLogSpace(q) || hasLogSpace(p)) {
      if (!(hasLogSpace(q) && hasLogSpace(p) && q.logSpace === p.logSpace)) {
        throw new TypeError(`no Monte Carlo KL between ${q.name} and ${p.name}: their densities are not taken in one space`);
      }
      const draw = q.rsampleLogSpace(rng, [samples]);
      // q's own draw is scored from its latent where it has one (exact for IGR_SB's small sticks; log-space.ts).
      return tf.mean(tf.sub(logProbOfOwnDraw(q, draw), logProbOfDraw(p, q, draw)), 0);
    }
    const z = q.signature.hasRsample ? q.rsample(rng, [samples]) : q.sample(rng, [samples]);
    const [lq, lp] = sameEventRank(q.logProb(z), p.logProb(z));
    return tf.mean(tf.sub(lq, lp), 0);
  });

/**
 * The two log densities of one draw with the event axes of the family with the smaller event rank summed too: a
 * MultivariateNormalDiag against a Normal prior scores one [D] event on one side and D scalars on the other, and
 * the density of the vector is the product of the scalars' (the ranks differ by exactly the event-rank difference,
 * since both are evaluated at the same draw).
 */
function sameEventRank(lq: tf.Tensor, lp: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const sumTrailing = (t: tf.Tensor, rank: number) => (t.rank > rank ? tf.sum(t, Array.from({ length: t.rank - rank }, (_, i) => rank + i)) : t);
  const rank = Math.min(lq.rank, lp.rank);
  return [sumTrailing(lq, rank), sumTrailing(lp, rank)];
}
