/**
 * KL(q ‖ p) between two IGR distributions with the same transform, τ and δ (and ρ) (rule 'igr-igr'): the
 * Jacobian terms of eq. (12) cancel, so KL(q̃ ‖ p̃) = KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) (IGR paper eq. (13), v1 eq. (19);
 * docs/math.md section 4), summed over the K-1 Gaussian coordinates. IGR_Planar has learned flows and is excluded
 * (rule 'igr-planar-gaussian-mc').
 */
import type { Distribution } from '../distributions/distribution.js';
import { IgrBase } from '../distributions/igr-base.js';
import { IGR_Planar } from '../distributions/igr-planar.js';
import { IGR_SB } from '../distributions/igr-sb.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';
import { gaussianKl } from './gaussian-kl.js';

/** The distribution as an IGR (not planar), or a TypeError. */
function asIgr(d: Distribution): IgrBase {
  if (d instanceof IgrBase && !(d instanceof IGR_Planar)) return d;
  throw new TypeError(`IGR closed-form KL: expected IGR_I or IGR_SB, got ${d.name}`);
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
  if (q.delta !== p.delta) throw new Error(`IGR closed-form KL needs the same delta (${q.delta} vs ${p.delta})`);
  if (q instanceof IGR_SB && p instanceof IGR_SB && q.rho !== p.rho) {
    throw new Error(`IGR closed-form KL needs the same rho (${q.rho} vs ${p.rho})`);
  }
  const [tq, tp] = [q.tau.dataSync()[0], p.tau.dataSync()[0]];
  if (Math.fround(tq) !== Math.fround(tp)) throw new Error(`IGR closed-form KL needs the same tau (${tq} vs ${tp})`);
  return tf.tidy(() => gaussianKl(q.mu, q.sigma, p.mu, p.sigma));
};
