/** pmf(dist, n) of the language: the truncated probabilities of a count distribution over 0..n-1. */
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { tf } from '../../stdlib/tf.js';
import { isCountDistribution, truncatedPmf } from '../../stdlib/truncation.js';

/** Probabilities [..., n] with the tail mass P(X ≥ n-1) in the last cell (GenGS Definition 1). */
export function truncatedPmfOf(dist: Distribution, n: number): tf.Tensor {
  if (!isCountDistribution(dist)) throw new TypeError(`pmf needs a count distribution, not ${dist.name}`);
  const t = truncatedPmf(dist, n);
  tf.dispose([t.logProbs, t.tailMass, t.foldedMass]);
  return t.probs;
}
