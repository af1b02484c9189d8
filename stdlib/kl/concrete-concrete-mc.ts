/**
 * KL(q ‖ p) between two Gumbel-Softmax / ExpConcrete distributions by Monte Carlo in log space (docs/math.md
 * section 6; Maddison et al. 2017 appendix C): y ~ ExpConcrete_q, KL ≈ mean_s [log q(y_s) - log p(y_s)] with
 * ExpConcrete densities. The map y -> z = exp(y) is the same on both sides, so this equals the KL of the
 * Concrete distributions; unlike densities of z it never sees z = 0 (the Gumbel-Softmax NaN problem).
 */
import type { Distribution } from '../distributions/distribution.js';
import { broadcastShapes } from '../distributions/discrete-params.js';
import { ExpConcrete, expConcreteLogProb } from '../distributions/exp-concrete.js';
import { GumbelSoftmax } from '../distributions/gumbel-softmax.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';
import { mcSettings } from './mc-samples.js';

/** The log-space view of a GumbelSoftmax or ExpConcrete. */
function asExpConcrete(d: Distribution): ExpConcrete {
  if (d instanceof ExpConcrete) return d;
  if (d instanceof GumbelSoftmax) return d.expConcrete;
  throw new TypeError(`Concrete KL: expected GumbelSoftmax or ExpConcrete, got ${d.name}`);
}

/** Monte Carlo estimate over options.samples log-space draws (rule 'concrete-concrete-mc'), batch-shaped. */
export const klConcreteConcreteMc: KlCompute = (qd, pd, options) =>
  tf.tidy(() => {
    const { rng, samples } = mcSettings(options, 'concrete-concrete-mc');
    const q = asExpConcrete(qd);
    const p = asExpConcrete(pd);
    if (q.numCategories !== p.numCategories) {
      throw new RangeError(`Concrete KL needs the same K on both sides (${q.numCategories} vs ${p.numCategories})`);
    }
    // Draw from q broadcast to the joint batch, so a prior with a larger batch still gets one draw per element.
    const batch = broadcastShapes(q.batchShape, p.batchShape);
    const qLogits = tf.broadcastTo(q.logits, [...batch, q.numCategories]);
    const qJoint = new ExpConcrete({ logits: qLogits, tau: q.tau });
    const y = qJoint.rsample(rng, [samples]);
    const diff = tf.sub(expConcreteLogProb(qLogits, q.tau, y), expConcreteLogProb(p.logits, p.tau, y));
    return tf.mean(diff, 0);
  });
