/**
 * KL(Beta(a, b) ‖ Beta(a₀, b₀)) in closed form (rule 'beta-beta'), elementwise (standard):
 *   log B(a₀, b₀) - log B(a, b) + (a - a₀) ψ(a) + (b - b₀) ψ(b) + (a₀ - a + b₀ - b) ψ(a + b),
 * with log B(a₀, b₀) - log B(a, b) as three lgammaDifference terms (accurate for nearly equal large parameters).
 */
import { Beta } from '../distributions/beta.js';
import type { Distribution } from '../distributions/distribution.js';
import { digamma, lgammaDifference } from '../special/gamma.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

function asBeta(d: Distribution): Beta {
  if (d instanceof Beta) return d;
  throw new TypeError(`Beta KL: expected Beta, got ${d.name}`);
}

export const klBetaBeta: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const { concentration1: a, concentration0: b } = asBeta(qd);
    const { concentration1: a0, concentration0: b0 } = asBeta(pd);
    const norm = tf.sub(tf.add(lgammaDifference(a0, a), lgammaDifference(b0, b)), lgammaDifference(tf.add(a0, b0), tf.add(a, b)));
    const terms = tf.add(
      tf.add(tf.mul(tf.sub(a, a0), digamma(a)), tf.mul(tf.sub(b, b0), digamma(b))),
      tf.mul(tf.sub(tf.add(a0, b0), tf.add(a, b)), digamma(tf.add(a, b))),
    );
    return tf.add(norm, terms);
  });
