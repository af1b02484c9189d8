/**
 * Scalar samplers for synthetic data, in plain JavaScript on a RandomStream (js-random.ts): normal, gamma,
 * Dirichlet, Poisson, binomial, negative binomial and multinomial. They run once when a dataset is made, so
 * clarity wins over speed; each algorithm is cited where it is defined.
 */
import type { RandomStream } from '../../stdlib/random.js';
import { uniform01 } from './js-random.js';

/** A standard normal draw (Box-Muller; the second value of the pair is discarded to keep the stream simple). */
export function sampleNormal(stream: RandomStream): number {
  const u1 = uniform01(stream);
  const u2 = uniform01(stream);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 boosted by U^(1/shape), their section 6). */
export function sampleGamma(stream: RandomStream, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be positive, got ${shape}`);
  if (shape < 1) return sampleGamma(stream, shape + 1) * Math.pow(uniform01(stream), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(stream);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform01(stream);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Dirichlet(alpha) draw: normalised independent Gamma(alpha_k) draws. */
export function sampleDirichlet(stream: RandomStream, alpha: readonly number[]): Float64Array {
  const g = Float64Array.from(alpha, (a) => sampleGamma(stream, a));
  let total = 0;
  for (const x of g) total += x;
  // All draws can underflow to 0 for tiny alpha; fall back to a uniformly chosen vertex, the limit as alpha → 0.
  if (total === 0) {
    g[Math.floor(uniform01(stream) * g.length)] = 1;
    return g;
  }
  for (let k = 0; k < g.length; k++) g[k] /= total;
  return g;
}

// Lanczos approximation (g = 7, n = 9), relative error below 1e-13 for x > 0: enough for the acceptance test below.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * A Poisson(rate) draw: multiplication of uniforms (Knuth) below rate 10, where it is exact and fast;
 * the transformed rejection PTRS of Hörmann (1993, "The transformed rejection method for generating Poisson
 * random variables") above, which numpy also uses, because Knuth's method costs O(rate) and e^-rate underflows.
 */
export function samplePoisson(stream: RandomStream, rate: number): number {
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`Poisson rate must be finite and >= 0, got ${rate}`);
  if (rate === 0) return 0;
  if (rate < 10) {
    const limit = Math.exp(-rate);
    let k = 0;
    let p = uniform01(stream);
    while (p > limit) {
      k++;
      p *= uniform01(stream);
    }
    return k;
  }
  const slam = Math.sqrt(rate);
  const loglam = Math.log(rate);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform01(stream) - 0.5;
    const v = uniform01(stream);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -rate + k * loglam - logGamma(k + 1)) return k;
  }
}

/** A Binomial(trials, p) draw as a sum of Bernoulli draws: O(trials), fine for synthetic data sizes. */
export function sampleBinomial(stream: RandomStream, trials: number, p: number): number {
  checkProbability(p);
  let k = 0;
  for (let i = 0; i < trials; i++) if (uniform01(stream) < p) k++;
  return k;
}

/**
 * A NegativeBinomial(r, p) draw in the torch/Pyro convention the stdlib uses (stdlib/signatures): the number of
 * successes before r failures, mean r p / (1 - p); drawn as Poisson(λ) with λ ~ Gamma(r, scale p / (1 - p)).
 */
export function sampleNegativeBinomial(stream: RandomStream, r: number, p: number): number {
  checkProbability(p);
  if (!(r > 0)) throw new RangeError(`negative binomial r must be positive, got ${r}`);
  if (p === 0) return 0;
  return samplePoisson(stream, sampleGamma(stream, r) * (p / (1 - p)));
}

/** A Multinomial(trials, probs) draw: counts of `trials` categorical draws (inverse CDF); probs are normalised. */
export function sampleMultinomial(stream: RandomStream, trials: number, probs: readonly number[]): Float64Array {
  const cdf = cumulative(probs);
  const counts = new Float64Array(probs.length);
  for (let i = 0; i < trials; i++) counts[sampleIndex(stream, cdf)]++;
  return counts;
}

/** Normalised cumulative sums of non-negative weights (the last entry is 1). */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length);
  let total = 0;
  for (let k = 0; k < weights.length; k++) {
    if (!(weights[k] >= 0)) throw new RangeError(`probabilities must be non-negative, got ${weights[k]}`);
    total += weights[k];
    cdf[k] = total;
  }
  if (!(total > 0)) throw new RangeError('probabilities must not all be zero');
  for (let k = 0; k < cdf.length; k++) cdf[k] /= total;
  return cdf;
}

/** The index k with cdf[k-1] <= u < cdf[k] for a uniform u (binary search). */
export function sampleIndex(stream: RandomStream, cdf: Float64Array): number {
  const u = uniform01(stream);
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
}
