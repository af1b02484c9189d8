/**
 * The importance-sampling proposal from Monte Carlo recovery of an IGR-SB or IGR-Planar posterior (IGR paper
 * section 3.3; docs/math.md section 5). The counts of h(x) themselves are the stdlib's igrHardCounts (chunked).
 */
import { tf } from '../../stdlib/tf.js';

/**
 * Recovered log-probabilities from counts over `samples` draws, smoothed by adding 1/2 to every count
 * (Krichevsky-Trofimov): log((c_k + 1/2) / (M + K/2)). **Decision:** the importance-sampling proposal must put
 * mass on every category the true posterior may use, or the estimate silently drops those configurations;
 * a category never drawn in M draws gets probability 1/(2M + K) instead of 0 (the raw mean is what is
 * reported as the recovered distribution).
 */
export function smoothedLogProbs(counts: tf.Tensor, samples: number): tf.Tensor {
  return tf.tidy(() => {
    const k = counts.shape[counts.rank - 1];
    return tf.sub(tf.log(tf.add(counts, 0.5)), Math.log(samples + 0.5 * k));
  });
}
