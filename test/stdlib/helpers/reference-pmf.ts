// Float64 reference values for the S2 tests, written from the textbook formulas with plain JS arithmetic
// (sums of logs, explicit products), independent of the stdlib code under test.

/** log k! as a float64 sum of logs. */
export function logFact(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/** log Σ exp(x). */
export function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
}

/** softmax of a vector. */
export function softmax(xs: readonly number[]): number[] {
  const l = logSumExp(xs);
  return xs.map((x) => Math.exp(x - l));
}

/** Poisson(λ) pmf at k. */
export const poissonPmf = (lambda: number, k: number): number => Math.exp(k * Math.log(lambda) - lambda - logFact(k));

/** Binomial(n, p) pmf at k. */
export const binomialPmf = (n: number, p: number, k: number): number =>
  Math.exp(logFact(n) - logFact(k) - logFact(n - k) + k * Math.log(p) + (n - k) * Math.log(1 - p));

/** Geometric(p) pmf at k (failures before the first success). */
export const geometricPmf = (p: number, k: number): number => Math.pow(1 - p, k) * p;

/** NegativeBinomial(r, p) pmf at k for integer r (successes before r failures). */
export const negativeBinomialPmf = (r: number, p: number, k: number): number =>
  Math.exp(logFact(k + r - 1) - logFact(k) - logFact(r - 1) + k * Math.log(p) + r * Math.log(1 - p));

/** Σ_{k=from}^{to} pmf(k) in float64. */
export function pmfSum(pmf: (k: number) => number, from: number, to: number): number {
  let s = 0;
  for (let k = from; k <= to; k++) s += pmf(k);
  return s;
}

/** Counts of the integer values 0..size-1 in `draws`. */
export function histogram(draws: ArrayLike<number>, size: number): number[] {
  const h = new Array<number>(size).fill(0);
  for (let i = 0; i < draws.length; i++) {
    const k = draws[i];
    if (k >= 0 && k < size) h[k] += 1;
  }
  return h;
}

/**
 * Pearson's χ² of observed counts against expected probabilities, cells with expected count < 5 pooled into
 * one; returns the statistic and the degrees of freedom.
 */
export function chiSquare(observed: readonly number[], probs: readonly number[], n: number): { stat: number; df: number } {
  let stat = 0;
  let cells = 0;
  let poolObs = n - observed.reduce((a, b) => a + b, 0);
  let poolExp = n * (1 - probs.reduce((a, b) => a + b, 0));
  observed.forEach((o, k) => {
    const e = n * probs[k];
    if (e < 5) {
      poolObs += o;
      poolExp += e;
    } else {
      stat += (o - e) ** 2 / e;
      cells += 1;
    }
  });
  if (poolExp >= 1) {
    stat += (poolObs - poolExp) ** 2 / poolExp;
    cells += 1;
  }
  return { stat, df: cells - 1 };
}

/** A χ² bound that a correct sampler exceeds with probability < 1e-6 (Wilson-Hilferty, z = 4.9). */
export function chiSquareBound(df: number): number {
  const z = 4.9;
  return df * Math.pow(1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df)), 3);
}

/** Concrete log density, GS paper eq. (6)/(7): Γ(K) τ^{K-1} (Σ π_i z_i^{-τ})^{-K} Π π_i z_i^{-τ-1}, float64. */
export function concreteLogDensity(logits: readonly number[], tau: number, z: readonly number[]): number {
  const pi = softmax(logits);
  const K = z.length;
  const sum = pi.reduce((a, p, i) => a + p * Math.pow(z[i], -tau), 0);
  return (
    logFact(K - 1) +
    (K - 1) * Math.log(tau) -
    K * Math.log(sum) +
    pi.reduce((a, p, i) => a + Math.log(p) - (tau + 1) * Math.log(z[i]), 0)
  );
}
