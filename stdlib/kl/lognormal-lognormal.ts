/**
 * KL(q ‖ p) between two LogNormal distributions (rule 'lognormal-lognormal'): exp is the same bijection on both
 * sides, so the KL equals that of the underlying Normals.
 */
import type { Distribution } from '../distributions/distribution.js';
import { LogNormal } from '../distributions/log-normal.js';
import type { KlCompute } from './kl-compute.js';
import { gaussianKlElementwise } from './gaussian-kl.js';

/** The distribution as a LogNormal, or a TypeError. */
function asLogNormal(d: Distribution): LogNormal {
  if (d instanceof LogNormal) return d;
  throw new TypeError(`LogNormal KL: expected LogNormal, got ${d.name}`);
}

/** Closed form, elementwise: batch shape = broadcast of q's and p's. */
export const klLogNormalLogNormal: KlCompute = (qd, pd) => {
  const q = asLogNormal(qd);
  const p = asLogNormal(pd);
  return gaussianKlElementwise(q.mu, q.sigma, p.mu, p.sigma);
};
