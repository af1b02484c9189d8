/**
 * KL(Dirichlet(α) ‖ Dirichlet(β)) in closed form (rule 'dirichlet-dirichlet'), summed over the event axis
 * (standard; E_q[log x_k] = ψ(α_k) - ψ(α₀)):
 *   log Γ(α₀) - Σ log Γ(α_k) - log Γ(β₀) + Σ log Γ(β_k) + Σ (α_k - β_k)(ψ(α_k) - ψ(α₀)),
 * the log Γ terms paired as lgammaDifference (accurate for nearly equal large concentrations).
 */
import { Dirichlet } from '../distributions/dirichlet.js';
import type { Distribution } from '../distributions/distribution.js';
import { digamma, lgammaDifference } from '../special/gamma.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

function asDirichlet(d: Distribution): Dirichlet {
  if (d instanceof Dirichlet) return d;
  throw new TypeError(`Dirichlet KL: expected Dirichlet, got ${d.name}`);
}

export const klDirichletDirichlet: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const a = asDirichlet(qd).concentration;
    const b = asDirichlet(pd).concentration;
    const a0 = tf.sum(a, -1, true);
    const b0 = tf.sum(b, -1, true);
    // Each term is kept per category and summed once, so the normalisers of q and p meet in one sum.
    const perCategory = tf.add(lgammaDifference(b, a), tf.mul(tf.sub(a, b), tf.sub(digamma(a), digamma(a0))));
    return tf.add(tf.sum(perCategory, -1), tf.squeeze(lgammaDifference(a0, b0), [-1]));
  });
