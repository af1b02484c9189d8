/**
 * KL(Gamma(α, β) ‖ Gamma(α₀, β₀)) in closed form (rule 'gamma-gamma'), elementwise (standard; from
 * E_q[log x] = ψ(α) - log β and E_q[x] = α/β):
 *   (α - α₀) ψ(α) - log Γ(α) + log Γ(α₀) + α₀ (log β - log β₀) + α (β₀ - β)/β.
 * Float32: log Γ(α₀) - log Γ(α) is taken by lgammaDifference (values of size α log α would lose ~7 digits at
 * α = 1000), and log β - log β₀ as log1p((β - β₀)/β₀); KL(Gamma(1000, 2) ‖ Gamma(1000.5, 2.001)) is then within
 * 2e-5 of float64 instead of 1.5e-4.
 */
import type { Distribution } from '../distributions/distribution.js';
import { Gamma } from '../distributions/gamma.js';
import { digamma, lgammaDifference } from '../special/gamma.js';
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
    const shapeTerm = tf.add(tf.mul(tf.sub(a, a0), digamma(a)), lgammaDifference(a0, a));
    const logRatio = tf.log1p(tf.div(tf.sub(b, b0), b0)); // log β - log β₀ without subtracting two logs
    const rateTerm = tf.add(tf.mul(a0, logRatio), tf.mul(a, tf.div(tf.sub(b0, b), b)));
    return tf.add(shapeTerm, rateTerm);
  });
