/**
 * Float64 references for the estimator tests: exact expectations over every configuration of a few Bernoulli
 * units, their gradients by central finite differences (independent of any score-function algebra), and the
 * statistics of per-draw gradient estimates (mean, standard error, total variance).
 */
import { tf } from '../../stdlib/tf.js';

export const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));
/** log σ(a), stable for large |a|. */
export const logSigmoid = (a: number): number => (a >= 0 ? -Math.log1p(Math.exp(-a)) : a - Math.log1p(Math.exp(a)));
/** log Bernoulli(v | logit) for v ∈ {0, 1}. */
export const logBernoulli = (v: number, logit: number): number => (v === 1 ? logSigmoid(logit) : logSigmoid(-logit));

/** Every 0/1 vector of length d (row i is i in binary, first unit most significant). */
export function configurations(d: number): number[][] {
  return Array.from({ length: 2 ** d }, (_, i) => Array.from({ length: d }, (_, j) => (i >> (d - 1 - j)) & 1));
}

/** log q(z) of independent Bernoulli units with logits φ. */
export const logQ = (z: readonly number[], phi: readonly number[]): number => z.reduce((a, v, i) => a + logBernoulli(v, phi[i]), 0);

/** The gradient of `fn` at `x` by central differences (step h; float64, so the error is ~h² + 1e-16/h). */
export function finiteDifference(fn: (x: number[]) => number, x: readonly number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] += h;
    down[i] -= h;
    return (fn(up) - fn(down)) / (2 * h);
  });
}

/** Per-coordinate mean and standard error of N gradient estimates (rows), and the total variance Σ_i Var_i. */
export function gradientStats(rows: readonly (readonly number[])[]): { mean: number[]; se: number[]; totalVariance: number } {
  const n = rows.length;
  const d = rows[0].length;
  const mean = Array.from({ length: d }, (_, i) => rows.reduce((a, r) => a + r[i], 0) / n);
  const variance = Array.from({ length: d }, (_, i) => rows.reduce((a, r) => a + (r[i] - mean[i]) ** 2, 0) / (n - 1));
  return { mean, se: variance.map((v) => Math.sqrt(v / n)), totalVariance: variance.reduce((a, b) => a + b, 0) };
}

/** The largest |mean − exact| / se over the coordinates (the "how many standard errors" of the bias). */
export function maxZ(stats: { mean: readonly number[]; se: readonly number[] }, exact: readonly number[]): number {
  return Math.max(...exact.map((e, i) => Math.abs(stats.mean[i] - e) / stats.se[i]));
}

/**
 * Per-draw gradients of a surrogate: `surrogate(params)` receives each parameter tiled to [N, ...] (row n is
 * draw n's copy) and returns the batch mean of N independent per-draw terms, so N times the gradient with
 * respect to row n is draw n's estimate. Returns N rows, each the concatenation over the parameters.
 */
export function perDrawGradients(params: readonly tf.Tensor[], n: number, surrogate: (tiled: tf.Tensor[]) => tf.Scalar): number[][] {
  return tf.tidy(() => {
    const tiled = params.map((p) => tf.tile(tf.expandDims(p, 0), [n, ...p.shape.map(() => 1)]));
    const grads = tf.grads((...xs: tf.Tensor[]) => surrogate(xs))(tiled);
    const flat = grads.map((g) => tf.reshape(tf.mul(g, n), [n, -1]).arraySync() as number[][]);
    return Array.from({ length: n }, (_, r) => flat.flatMap((g) => g[r]));
  });
}
