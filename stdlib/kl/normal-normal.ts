/** KL(q ‖ p) between two Normal distributions (rule 'normal-normal'). */
import { Normal } from '../distributions/normal.js';
import type { KlCompute } from './kl-compute.js';
import { gaussianDrivenPairKl } from './gaussian-kl.js';

/** Closed form, elementwise (Normal's event is a scalar): batch shape = broadcast of q's and p's. */
export const klNormalNormal: KlCompute = gaussianDrivenPairKl(Normal);
