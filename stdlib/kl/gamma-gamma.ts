/**
 * KL(Gamma(α, β) ‖ Gamma(α₀, β₀)) in closed form (rule 'gamma-gamma'), elementwise (standard; from
 * E_q[log x] = ψ(α) - log β and E_q[x] = α/β):
 *   (α - α₀) ψ(α) - log Γ(α) + log Γ(α₀) + α₀ (log β - log β₀) + α (β₀ - β)/β.
 * Float32 note: log Γ(α₀) - log Γ(α) is a difference of values of size α log α, so for concentrations in the
 * thousands the KL of nearly equal Gammas carries an absolute error of about 1e-7 · α log α.
 */
import type { Distribution } from '../distributions/distribution.js';
import { Gamma } from '../distributions/gamma.js';
import { digamma, lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

function asGamma(d: Distribution): Gamma {
  if (d instanceof Gamma) return d;
  throw new TypeError(`Gamma KL: expected Gamma, got ${d.name}`);
}

export const klGammaGamma: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const { concentration: a, rate: b } = asGamma(qd);
    const { concentration: a0, rate: b0 } = asGamma(pd);
    const shapeTerm = tf.add(tf.mul(tf.sub(a, a0), digamma(a)), tf.sub(lgamma(a0), lgamma(a)));
    const rateTerm = tf.add(tf.mul(a0, tf.sub(tf.log(b), tf.log(b0))), tf.mul(a, tf.div(tf.sub(b0, b), b)));
    return tf.add(shapeTerm, rateTerm);
  });
