/**
 * The values each support admits, as a per-value predicate and a phrase for messages: the one place that says
 * which observed values a likelihood can evaluate (the runtime checks data against it before training).
 * Bounds that depend on parameters (Categorical's K - 1, Binomial's N, a Multinomial row's total) are not
 * known before the model runs and are not part of the predicate; everything else is.
 */
import type { SignFact, Support } from './types.js';

export interface SupportValues {
  /** The admitted values in words, e.g. "0 or 1". */
  readonly describe: string;
  /** Whether one value (an element of an observed tensor) can lie in the support. */
  readonly contains: (v: number) => boolean;
  /** What the shape checker knows of a draw's values (SGM4004): every value of the support satisfies it. */
  readonly sign: SignFact;
}

const finite = (v: number) => Number.isFinite(v);
const nonnegativeInteger = (v: number) => Number.isInteger(v) && v >= 0;

export const SUPPORT_VALUES: Readonly<Record<Support, SupportValues>> = {
  real: { describe: 'finite real numbers', contains: finite, sign: 'real' },
  positive: { describe: 'positive numbers', contains: (v) => finite(v) && v > 0, sign: 'positive' },
  // Open interval: the densities on (0, 1) (RelaxedBernoulli) are infinite or undefined at the end points.
  unit_interval: { describe: 'numbers strictly between 0 and 1', contains: (v) => v > 0 && v < 1, sign: 'unit_interval' },
  simplex: { describe: 'numbers in [0, 1] (points of the simplex)', contains: (v) => v >= 0 && v <= 1, sign: 'simplex' },
  log_simplex: { describe: 'log-probabilities (numbers <= 0)', contains: (v) => v <= 0, sign: 'real' },
  boolean: { describe: '0 or 1', contains: (v) => v === 0 || v === 1, sign: 'unit_interval' },
  categorical_index: { describe: 'category numbers (integers >= 0)', contains: nonnegativeInteger, sign: 'nonnegative' },
  one_hot: { describe: 'one-hot vectors (entries 0 or 1)', contains: (v) => v === 0 || v === 1, sign: 'simplex' },
  nonnegative_integer: { describe: 'integers >= 0', contains: nonnegativeInteger, sign: 'nonnegative' },
  integer_interval: { describe: 'integers >= 0', contains: nonnegativeInteger, sign: 'nonnegative' },
  counts: { describe: 'counts (integers >= 0)', contains: nonnegativeInteger, sign: 'nonnegative' },
  // GenGS's value T(x) = Σ c_k x_k is a convex combination of cell values c_k ≥ 0 (trunc lo ≥ 0, counts ≥ 0).
  relaxed_integer: { describe: 'non-negative numbers (relaxed counts)', contains: (v) => finite(v) && v >= 0, sign: 'nonnegative' },
};
