/** KL(q ‖ p) between two Normal distributions (rule 'normal-normal'). */
import type { Distribution } from '../distributions/distribution.js';
import { Normal } from '../distributions/normal.js';
import type { KlCompute } from './kl-compute.js';
import { gaussianKlElementwise } from './gaussian-kl.js';

/** The distribution as a Normal, or a TypeError. */
function asNormal(d: Distribution): Normal {
  if (d instanceof Normal) return d;
  throw new TypeError(`Normal KL: expected Normal, got ${d.name}`);
}

/** Closed form, elementwise (Normal's event is a scalar): batch shape = broadcast of q's and p's. */
export const klNormalNormal: KlCompute = (qd, pd) => {
  const q = asNormal(qd);
  const p = asNormal(pd);
  return gaussianKlElementwise(q.mu, q.sigma, p.mu, p.sigma);
};
