/** The signature of a registered KL computation. */
import type { Distribution } from '../distributions/distribution.js';
import type { RandomStream } from '../random.js';
import type { tf } from '../tf.js';

/** Options for Monte Carlo estimates. */
export interface KlOptions {
  /** Number of Monte Carlo samples (default 1). */
  readonly samples?: number;
  /** Random stream for Monte Carlo samples (required by MC methods). */
  readonly rng?: RandomStream;
}

/** KL(q ‖ p) per batch element (event axes summed): shape = broadcast of q's and p's batch shapes. */
export type KlCompute = (q: Distribution, p: Distribution, options: KlOptions) => tf.Tensor;
