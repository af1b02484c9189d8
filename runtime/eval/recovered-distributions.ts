/**
 * The recovered discrete distributions of a model's latents averaged over the test set: for each latent the
 * mean of q(k | x) over data points, per latent entry ([...latent, K], e.g. 20 × 10), beside its recovered
 * prior. Shows which categories the trained posterior uses and how far the aggregate is from the prior.
 */
import { tf } from '../../stdlib/tf.js';
import type { CategoricalLatent } from './discrete-latent.js';

/** One latent's recovered distributions. */
export interface RecoveredDistribution {
  readonly family: string;
  /** How the posterior and the prior were recovered. */
  readonly method: string;
  readonly priorMethod: string;
  /** Shape of the per-latent table: [...latent entries, K]. */
  readonly shape: readonly number[];
  /** Mean over the test set of the recovered posterior, flattened row-major over `shape`. */
  readonly posteriorMean: readonly number[];
  /** The recovered prior, averaged over any batch axes: [K]. */
  readonly prior: readonly number[];
}

/** Sums q(k | x) over data points, batch by batch. */
export class RecoveredAccumulator {
  private sum: Float64Array | undefined;
  private rows = 0;
  private shape: readonly number[] = [];
  private prior: number[] = [];
  private method = '';
  private priorMethod = '';

  constructor(readonly family: string) {}

  /** Adds a batch's recovered posterior (and keeps its prior). */
  add(latent: CategoricalLatent): void {
    const probs = latent.posterior.probs;
    const rows = probs.shape[0];
    const summed = tf.tidy(() => tf.sum(probs, 0));
    const values = summed.dataSync();
    summed.dispose();
    if (this.sum === undefined) {
      this.sum = new Float64Array(values.length);
      this.shape = probs.shape.slice(1);
      const k = probs.shape[probs.rank - 1];
      const prior = tf.tidy(() => tf.mean(tf.reshape(latent.prior.probs, [-1, k]), 0));
      this.prior = Array.from(prior.dataSync());
      prior.dispose();
      this.method = latent.posterior.method;
      this.priorMethod = latent.prior.method;
    }
    for (let i = 0; i < values.length; i++) this.sum[i] += values[i];
    this.rows += rows;
  }

  /** The averages (undefined when nothing was added). */
  result(): RecoveredDistribution | undefined {
    if (this.sum === undefined) return undefined;
    const rows = this.rows;
    return {
      family: this.family,
      method: this.method,
      priorMethod: this.priorMethod,
      shape: this.shape,
      posteriorMean: Array.from(this.sum, (v) => v / rows),
      prior: this.prior,
    };
  }
}
