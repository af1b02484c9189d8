/** KL(q ‖ p) between two GenGS distributions with the same cells (GenGS paper appendix H; docs/math.md section 7). */
import type { Distribution } from '../distributions/distribution.js';
import { GenGS } from '../distributions/gen-gs.js';
import { categoricalKlFromLogits } from './categorical-categorical.js';
import type { KlCompute } from './kl-compute.js';

/** The distribution as a GenGS, or a TypeError. */
function asGenGS(d: Distribution): GenGS {
  if (d instanceof GenGS) return d;
  throw new TypeError(`GenGS KL: expected GenGS, got ${d.name}`);
}

/**
 * Closed form (rule 'gengs-gengs'): the categorical KL of the truncated pmfs over the shared cells,
 * Σ_k π^q_k (log π^q_k - log π^p_k). The temperatures do not enter (appendix H: the KL of the truncated
 * discrete distributions stands in for that of the relaxed ones).
 */
export const klGenGSGenGS: KlCompute = (qd, pd) => {
  const q = asGenGS(qd);
  const p = asGenGS(pd);
  if (q.cellsKey !== p.cellsKey) {
    throw new RangeError(`GenGS KL needs the same truncation on both sides (${q.cellsKey} vs ${p.cellsKey})`);
  }
  return categoricalKlFromLogits(q.logits, p.logits);
};
