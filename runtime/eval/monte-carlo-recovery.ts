/**
 * Monte Carlo recovery of the discrete distribution an IGR-SB or IGR-Planar relaxes (IGR paper section 3.3:
 * "the vector of discrete probabilities associated with IGR is E[h(z̃)]"; math.md section 5): counts of the
 * hard one-hot h(x) of Proposition 1 over M draws, in chunks so that M × batch × categories never has to be
 * held at once (the stdlib's igrDiscreteProbsMonteCarlo draws all M at once).
 */
import type { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

/** Anything that draws hard one-hot samples h(x) (the IGR distributions' rsampleDetailed). */
export interface HardDrawer {
  rsampleDetailed(rng: RandomStream, sampleShape?: readonly number[]): { readonly hard: tf.Tensor };
}

/** Most floats of one chunk of draws (about 16 MB per float32 tensor of the draw). */
const CHUNK_ELEMENTS = 4_000_000;

/**
 * Counts of h over `samples` draws: [...batch, K] float32 (the caller divides by `samples`). `elements` is the
 * size of one draw (batch × K), used to size the chunks.
 */
export function hardCounts(dist: HardDrawer, rng: RandomStream, samples: number, elements: number): tf.Tensor {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer, got ${samples}`);
  const chunk = Math.max(1, Math.min(samples, Math.floor(CHUNK_ELEMENTS / Math.max(1, elements))));
  let counts: tf.Tensor | undefined;
  for (let done = 0; done < samples; done += chunk) {
    const m = Math.min(chunk, samples - done);
    const part = tf.tidy(() => tf.sum(dist.rsampleDetailed(rng, [m]).hard, 0));
    if (counts === undefined) counts = part;
    else {
      const next = tf.add(counts, part);
      counts.dispose();
      part.dispose();
      counts = next;
    }
  }
  return counts as tf.Tensor;
}

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
