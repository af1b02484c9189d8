/**
 * KL(q ‖ p) between two LogNormal distributions (rule 'lognormal-lognormal'): exp is the same bijection on both
 * sides, so the KL equals that of the underlying Normals.
 */
import { LogNormal } from '../distributions/log-normal.js';
import type { KlCompute } from './kl-compute.js';
import { gaussianDrivenPairKl } from './gaussian-kl.js';

/** Closed form, elementwise: batch shape = broadcast of q's and p's. */
export const klLogNormalLogNormal: KlCompute = gaussianDrivenPairKl(LogNormal);
