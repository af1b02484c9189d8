/**
 * Importance-sampled log-likelihood (Burda et al. 2016, as the IGR paper v2 section 4.2 uses it with m = 1000;
 * docs/math.md section 8):
 *   log p(x) ≈ log (1/S) Σ_s w_s,   w_s = p(x | z_s) p(z_s) / q(z_s | x),   z_s ~ q(· | x),
 * computed in log space, S samples drawn in chunks, with running log-sum-exps per data point in float64.
 * The estimator of p(x) is unbiased for any proposal q whose support covers the posterior's; its log is a
 * stochastic lower bound that tightens as S grows. Also returned per data point: the effective sample size
 * (Σ w)² / Σ w² (Kish), which shows how well q matches the posterior (S when q is the exact posterior).
 *
 * This file is the estimator alone, for any proposal (`draw`) and likelihood; discretized-model.ts builds
 * them from a compiled model.
 */
import { tf } from '../../stdlib/tf.js';

/** One chunk of s importance samples for B data points; every tensor is sample-major ([s, B] or s·B rows). */
export interface ImportanceDraw {
  /** The latent values of the s·B rows (row i·B + b is sample i of data point b), as the likelihood takes them. */
  readonly latents: Record<string, tf.Tensor>;
  /** log q(z | x), [s, B]. */
  readonly logProposal: tf.Tensor;
  /** log p(z) under each prior variant (e.g. the recovered prior, the uniform prior), each [s, B]. */
  readonly logPrior: readonly tf.Tensor[];
}

/** What the estimator needs. */
export interface ImportanceSampler {
  /** Data points B. */
  readonly rows: number;
  /** Draws s samples for every data point (the caller's tensors are disposed by the estimator). */
  draw(s: number): ImportanceDraw;
  /** log p(x | z) of the s·B rows, [s·B] (or [s, B]). */
  logLikelihood(latents: Record<string, tf.Tensor>, s: number): tf.Tensor;
}

/** Per data point and prior variant: log p̂(x) and the effective sample size. */
export interface ImportanceResult {
  readonly samples: number;
  /** logLikelihood[v][b]: variant v, data point b. */
  readonly logLikelihood: readonly Float64Array[];
  readonly effectiveSampleSize: readonly Float64Array[];
}

/** log(e^a + e^b) in float64, with -inf handled. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * Estimates log p(x) for the sampler's B data points with S samples, `chunk` samples at a time (each chunk
 * runs the likelihood on chunk·B rows). `onChunk` reports progress in samples.
 */
export function importanceSample(sampler: ImportanceSampler, samples: number, chunk: number, onChunk?: (done: number) => void): ImportanceResult {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer, got ${samples}`);
  const rows = sampler.rows;
  let sums: Float64Array[] = [];
  let squares: Float64Array[] = [];
  for (let done = 0; done < samples; ) {
    const s = Math.min(Math.max(1, chunk), samples - done);
    const [lse, lse2] = tf.tidy(() => {
      const d = sampler.draw(s);
      const ll = tf.reshape(sampler.logLikelihood(d.latents, s), [s, rows]);
      const base = tf.sub(ll, d.logProposal);
      const logW = d.logPrior.map((lp) => tf.add(base, lp));
      return [logW.map((w) => tf.logSumExp(w, 0).dataSync()), logW.map((w) => tf.logSumExp(tf.mul(2, w), 0).dataSync())];
    });
    if (sums.length === 0) {
      sums = lse.map(() => new Float64Array(rows).fill(Number.NEGATIVE_INFINITY));
      squares = lse.map(() => new Float64Array(rows).fill(Number.NEGATIVE_INFINITY));
    }
    for (let v = 0; v < lse.length; v++) {
      for (let b = 0; b < rows; b++) {
        sums[v][b] = logAddExp(sums[v][b], lse[v][b]);
        squares[v][b] = logAddExp(squares[v][b], lse2[v][b]);
      }
    }
    done += s;
    onChunk?.(done);
  }
  const logS = Math.log(samples);
  return {
    samples,
    logLikelihood: sums.map((row) => row.map((x) => x - logS)),
    effectiveSampleSize: sums.map((row, v) => row.map((x, b) => Math.exp(2 * x - squares[v][b]))),
  };
}
