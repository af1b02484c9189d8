/**
 * Closed-form KL(q ‖ p) between two IGR distributions (IGR paper, Potapczynski, Loaiza-Ganem, Cunningham,
 * arXiv:1912.09588): z = softmax++(pre(y), τ, δ), y ~ N(μ, σ²). KL is invariant under one bijection applied to both
 * sides, so
 *  - rule 'igr-igr' (same transform, τ and δ): the Jacobian terms of eq. (12) cancel and KL(q̃ ‖ p̃) =
 *    KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) (eq. (13), v1 eq. (19)), summed over the K-1 Gaussian coordinates;
 *  - rule 'igr-i-rescaled' (IGR_I at different τ or δ): softmax++(y, τ, δ)_k = exp(y_k/τ) / (Σ_j exp(y_j/τ) + δ)
 *    = softmax++(u, 1, 1)_k with u = y/τ - log δ (eq. (10)-(11)), and u ~ N(μ/τ - log δ, σ/τ). Both sides are the
 *    same map softmax++(·, 1, 1) of these Gaussians, so the KL is the Gaussian KL of (μ_q/τ_q - log δ_q, σ_q/τ_q)
 *    against (μ_p/τ_p - log δ_p, σ_p/τ_p). For equal τ and δ it reduces to the first rule.
 * ρ does not enter: it changes neither the samples nor the density. IGR_SB at different τ or δ has no such affine
 * relation (the sticks pass through sigmoid and stick-breaking first) and IGR_Planar has learned flows.
 */
import type { Distribution } from '../distributions/distribution.js';
import { IgrBase } from '../distributions/igr-base.js';
import { IGR_I } from '../distributions/igr-i.js';
import { IGR_Planar } from '../distributions/igr-planar.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';
import { gaussianKl } from './gaussian-kl.js';

/** The distribution as an IGR (not planar), or a TypeError. */
function asIgr(d: Distribution): IgrBase {
  if (d instanceof IgrBase && !(d instanceof IGR_Planar)) return d;
  throw new TypeError(`IGR closed-form KL: expected IGR_I or IGR_SB, got ${d.name}`);
}

/** The Gaussian of u = y/τ - log δ for an IGR_I: (μ/τ - log δ, σ/τ). */
function rescaled(d: IgrBase): [tf.Tensor, tf.Tensor] {
  return [tf.sub(tf.div(d.mu, d.tau), Math.log(d.delta)), tf.div(d.sigma, d.tau)];
}

/** Closed form: the Gaussian KL summed over the last axis; shape = broadcast of q's and p's batch shapes. */
export const klIgrIgr: KlCompute = (qd, pd) => {
  const q = asIgr(qd);
  const p = asIgr(pd);
  // The rules checked these statically; a mismatch here means the closed form would be silently wrong.
  if (q.name !== p.name) throw new Error(`IGR closed-form KL needs the same transform (${q.name} vs ${p.name})`);
  if (q.numCategories !== p.numCategories) {
    throw new RangeError(`IGR KL needs the same K on both sides (${q.numCategories} vs ${p.numCategories})`);
  }
  const [tq, tp] = [q.tau.dataSync()[0], p.tau.dataSync()[0]];
  const same = Math.fround(tq) === Math.fround(tp) && q.delta === p.delta;
  if (same) return tf.tidy(() => gaussianKl(q.mu, q.sigma, p.mu, p.sigma));
  if (!(q instanceof IGR_I && p instanceof IGR_I)) {
    throw new Error(`IGR closed-form KL needs the same tau and delta for ${q.name} (tau ${tq} vs ${tp}, delta ${q.delta} vs ${p.delta})`);
  }
  return tf.tidy(() => {
    const [mq, sq] = rescaled(q);
    const [mp, sp] = rescaled(p);
    return gaussianKl(mq, sq, mp, sp);
  });
};
