/**
 * Statistics of gradient estimates (float64, in plain JavaScript): mean, variance as the trace of the
 * covariance, bias against a reference with standard errors, and mean squared error. `sgm compare` summarises
 * N independent draws g_1..g_N of an estimator (each a vector over the parameters' coordinates) with these.
 *
 * Numerical choice: every sum is taken over the draws' differences from the first draw (a shift that leaves
 * variances unchanged), so N identical draws (enumeration of the only latent) give a variance of exactly 0,
 * not the rounding error of summing N copies of the same float.
 */

/** A value with its standard error. */
export interface Estimate {
  readonly value: number;
  readonly stderr: number;
}

/** Mean and spread of N draws of a gradient vector. */
export interface GradientSummary {
  readonly draws: number;
  readonly coordinates: number;
  /** Per-coordinate mean. */
  readonly mean: number[];
  /** Per-coordinate unbiased variance (N - 1 in the denominator). */
  readonly variance: number[];
  /** Standard error of each coordinate's mean: sqrt(variance / N). */
  readonly stderr: number[];
  /**
   * tr Cov(g) = Σ_j Var(g_j) = E‖g - E g‖², with the standard error of that estimate (from the spread of
   * ‖g_i - ḡ‖² over the draws; 0 when every draw is the same).
   */
  readonly trace: Estimate;
}

/** Bias and error of an estimator against a reference gradient (itself exact, or an estimate with errors). */
export interface Accuracy {
  /** mean - reference, per coordinate. */
  readonly bias: number[];
  /** sqrt(stderr(mean)² + stderr(reference)²), per coordinate. */
  readonly biasStderr: number[];
  /** ‖bias‖₂. */
  readonly biasNorm: number;
  /** sqrt(Σ_j biasStderr_j²): about the ‖bias‖₂ that noise alone produces when the true bias is 0. */
  readonly biasNoise: number;
  /** max_j |bias_j| / biasStderr_j (0 when both are 0; Infinity for a nonzero bias against an exact zero error). */
  readonly maxZ: number;
  /**
   * sqrt(mean_j z_j²) over the coordinates with a nonzero standard error (z_j = bias_j / biasStderr_j): about 1
   * for an unbiased estimator, whatever the number of coordinates (the maximum grows with it); |z| for one.
   */
  readonly rmsZ: number;
  /** E‖g - reference‖² = tr Cov + ‖bias‖² (+ the reference's own error), with its standard error. */
  readonly mse: Estimate;
}

/** Summarises draws (each of the same length). */
export function summarize(draws: readonly ArrayLike<number>[]): GradientSummary {
  const n = draws.length;
  if (n < 2) throw new Error('summarize: at least 2 draws are needed for a variance');
  const k = draws[0].length;
  const shift = Array.from(draws[0]);
  const meanShifted = new Array<number>(k).fill(0);
  for (const g of draws) for (let j = 0; j < k; j++) meanShifted[j] += g[j] - shift[j];
  for (let j = 0; j < k; j++) meanShifted[j] /= n;
  const variance = new Array<number>(k).fill(0);
  const sq = new Array<number>(n).fill(0); // ‖g_i - ḡ‖²
  draws.forEach((g, i) => {
    for (let j = 0; j < k; j++) {
      const d = g[j] - shift[j] - meanShifted[j];
      variance[j] += d * d;
      sq[i] += d * d;
    }
  });
  for (let j = 0; j < k; j++) variance[j] /= n - 1;
  const trace = variance.reduce((a, b) => a + b, 0);
  // The trace is (N / (N - 1)) · mean_i ‖g_i - ḡ‖²; its standard error from the spread of those squared norms.
  const traceStderr = (n / (n - 1)) * stderrOfMean(sq);
  return {
    draws: n,
    coordinates: k,
    mean: meanShifted.map((m, j) => shift[j] + m),
    variance,
    stderr: variance.map((v) => Math.sqrt(v / n)),
    trace: { value: trace, stderr: traceStderr },
  };
}

/** Bias and mean squared error of `draws` (summarised as `s`) against `reference` ± `referenceStderr`. */
export function accuracy(draws: readonly ArrayLike<number>[], s: GradientSummary, reference: readonly number[], referenceStderr: readonly number[]): Accuracy {
  const bias = s.mean.map((m, j) => m - reference[j]);
  const biasStderr = s.stderr.map((e, j) => Math.hypot(e, referenceStderr[j] ?? 0));
  // Loops, not Math.max(...xs): a network's gradient has more coordinates than a call has room for arguments.
  let maxZ = 0;
  bias.forEach((b, j) => {
    maxZ = Math.max(maxZ, b === 0 ? 0 : biasStderr[j] === 0 ? Infinity : Math.abs(b) / biasStderr[j]);
  });
  const zs = bias.flatMap((b, j) => (biasStderr[j] > 0 ? [(b / biasStderr[j]) ** 2] : []));
  const rmsZ = zs.length === 0 ? (maxZ === Infinity ? Infinity : 0) : Math.sqrt(mean(zs));
  const errors = draws.map((g) => {
    let e = 0;
    for (let j = 0; j < reference.length; j++) e += (g[j] - reference[j]) ** 2;
    return e;
  });
  return {
    bias,
    biasStderr,
    biasNorm: norm(bias),
    biasNoise: norm(biasStderr),
    maxZ,
    rmsZ,
    mse: { value: mean(errors), stderr: stderrOfMean(errors) },
  };
}

/** The Euclidean norm (a loop: see maxZ). */
export function norm(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x * x;
  return Math.sqrt(s);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Standard error of the mean of xs (sample standard deviation / sqrt(N)); shifted by xs[0] for exact zeros. */
function stderrOfMean(xs: readonly number[]): number {
  const n = xs.length;
  const m = mean(xs.map((x) => x - xs[0]));
  const v = xs.reduce((a, x) => a + (x - xs[0] - m) ** 2, 0) / (n - 1);
  return Math.sqrt(v / n);
}
