/**
 * KL(HalfNormal(σ) ‖ HalfNormal(σ₀)) in closed form (rule 'halfnormal-halfnormal'), elementwise: folding by |·|
 * maps both sides the same way and the densities are 2·N(x | 0, σ²) on x ≥ 0, so the KL is the Gaussian one with
 * equal means, log(σ₀/σ) + σ²/(2σ₀²) - ½ (evaluated in the expm1 form of gaussian-kl.ts).
 */
import type { Distribution } from '../distributions/distribution.js';
import { HalfNormal } from '../distributions/half-normal.js';
import { tf } from '../tf.js';
import { gaussianKlElementwise } from './gaussian-kl.js';
import type { KlCompute } from './kl-compute.js';

function asHalfNormal(d: Distribution): HalfNormal {
  if (d instanceof HalfNormal) return d;
  throw new TypeError(`HalfNormal KL: expected HalfNormal, got ${d.name}`);
}

export const klHalfNormalHalfNormal: KlCompute = (qd, pd) =>
  tf.tidy(() => gaussianKlElementwise(0, asHalfNormal(qd).scale, 0, asHalfNormal(pd).scale));
