/**
 * KL(q ‖ p) of a GenGS posterior against a discrete prior (rule 'gengs-enumerated'; GenGS paper, Joo, Kim,
 * Shin, Moon, arXiv:2003.01847, Definition 1 and appendix H): GenGS's logProb is the pmf π of the truncated
 * distribution over its cells c, so the KL is the discrete one, summed over the cells,
 *   Σ_k π_k (log π_k - log p(c_k)),
 * τ-free like the GenGS-GenGS closed form. The prior is any distribution with a pmf at the cell values (an exact
 * discrete family, or a GenGS with other cells: a cell of q that is no cell of p has log p = -inf, KL = +inf).
 */
import type { Distribution } from '../distributions/distribution.js';
import { detached } from '../distributions/discrete-params.js';
import { GenGS } from '../distributions/gen-gs.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

/** Closed form by enumeration of the cells; shape = broadcast of q's and p's batch shapes. */
export const klGenGSEnumerated: KlCompute = (qd: Distribution, p: Distribution) =>
  tf.tidy(() => {
    if (!(qd instanceof GenGS)) throw new TypeError(`GenGS enumerated KL: expected a GenGS posterior, got ${qd.name}`);
    const q = qd;
    const rank = Math.max(q.batchShape.length, p.batchShape.length);
    // Cell values on a leading axis, with size-1 batch axes so they broadcast against p's batch: [n, 1.., ...event].
    const values = tf.reshape(q.support, [q.numCells, ...new Array<number>(rank).fill(1), ...q.eventShape]);
    const logP = p.logProb(values); // [n, ...batch of p, padded]
    const cellsLast = tf.transpose(logP, [...Array.from({ length: logP.rank - 1 }, (_, i) => i + 1), 0]);
    const terms = tf.mul(q.probs, tf.sub(q.logits, cellsLast));
    // A cell with π_k = 0 (its log mass floored, exp underflowed) contributes 0, also where log p(c_k) = -inf.
    const zero = detached((pr) => tf.equal(pr, 0), q.probs);
    return tf.sum(tf.where(tf.broadcastTo(zero, terms.shape), tf.zerosLike(terms), terms), -1);
  });
