/**
 * THE fixture table of the stdlib: one entry per distribution configuration; distributions.test.ts runs every
 * check an entry declares. Expected values come from closed forms or from math.md section 9 (cite the source
 * in `source`). Add entries in your section; keep each entry's sampling checks small (≤ 20k draws).
 */
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import type { tf } from '../../stdlib/tf.js';

export interface LogProbCase {
  /** The value at which to evaluate logProb. */
  readonly value: () => tf.Tensor;
  /** Expected logProb (flattened). */
  readonly expected: readonly number[];
  readonly tol: number;
  /** Where the expected numbers come from (closed form, scipy, math.md section 9, ...). */
  readonly source: string;
}

export interface DistributionFixture {
  /** Case label, e.g. 'Poisson(rate=3)'. */
  readonly id: string;
  readonly make: () => Distribution;
  readonly logProb?: readonly LogProbCase[];
  /**
   * Sample-moment check: the mean of `draws` samples (flattened per batch/event entry) lies within
   * `zScore` standard errors of `mean`, using `std` as the per-draw standard deviation.
   */
  readonly moments?: {
    readonly mean: readonly number[];
    readonly std: readonly number[];
    readonly draws: number;
    readonly zScore?: number;
    /** Use rsample instead of sample. */
    readonly reparameterized?: boolean;
  };
  /**
   * Pathwise-gradient check: with the random stream fixed (common random numbers), the gradient of
   * sum(w ⊙ rsample(θ)) with respect to every parameter tensor equals its central finite difference.
   */
  readonly rsampleGradient?: {
    /** Parameter values θ (one array per tensor parameter). */
    readonly params: readonly (readonly number[])[];
    /** Builds the distribution from parameter tensors (e.g. ([mu, sigma]) => new Normal({ mu, sigma })). */
    readonly build: (params: readonly tf.Tensor[]) => Distribution;
    readonly eps?: number;
    readonly tol?: number;
  };
  /** Check that sample/rsample/logProb (and rsample gradients) have no NaN/Inf. */
  readonly finite?: boolean;
}

// ── section S1 (continuous, IGR) ──
export const FIXTURES_S1: DistributionFixture[] = [];

// ── section S2 (discrete, Gumbel-Softmax, GenGS) ──
export const FIXTURES_S2: DistributionFixture[] = [];

/** Every fixture. */
export const FIXTURES: readonly DistributionFixture[] = [...FIXTURES_S1, ...FIXTURES_S2];
