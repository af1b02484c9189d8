/**
 * KL(Laplace(μ, b) ‖ Laplace(μ₀, b₀)) in closed form (rule 'laplace-laplace'), elementwise (standard):
 *   log(b₀/b) + |μ - μ₀|/b₀ + (b/b₀) exp(-|μ - μ₀|/b) - 1
 * written with ℓ = log b - log b₀ and d = |μ - μ₀| as -ℓ + d/b₀ + expm1(ℓ - d/b): exact to float32 rounding also
 * when q ≈ p, where the plain form subtracts 1 from a number near 1.
 */
import type { Distribution } from '../distributions/distribution.js';
import { Laplace } from '../distributions/laplace.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

function asLaplace(d: Distribution): Laplace {
  if (d instanceof Laplace) return d;
  throw new TypeError(`Laplace KL: expected Laplace, got ${d.name}`);
}

export const klLaplaceLaplace: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const q = asLaplace(qd);
    const p = asLaplace(pd);
    const l = tf.sub(tf.log(q.scale), tf.log(p.scale));
    const d = tf.abs(tf.sub(q.loc, p.loc));
    return tf.add(tf.sub(tf.div(d, p.scale), l), tf.expm1(tf.sub(l, tf.div(d, q.scale))));
  });
