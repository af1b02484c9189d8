/**
 * Exact samplers for count distributions, in float64 JavaScript. tfjs has no Poisson, binomial or
 * per-element gamma sampler, and the fast exact algorithms are rejection loops with a data-dependent number
 * of iterations, which tensor ops cannot express; counts have no gradient anyway. Randomness still comes only
 * from the RandomStream: uniforms are drawn from it in fixed-size chunks, so a seed reproduces the draws.
 */
import type { RandomStream } from '../random.js';
import { logFactorial64 } from '../special/gamma64.js';
import { tf } from '../tf.js';

/** Uniform numbers on (0, 1) pulled from a RandomStream in fixed chunks (same seed, same sequence). */
export class UniformSource {
  private buffer: Float32Array = new Float32Array(0);
  private next = 0;

  constructor(
    private readonly rng: RandomStream,
    private readonly chunk = 4096,
  ) {}

  /** The next uniform on (1e-20, 1). */
  uniform(): number {
    if (this.next >= this.buffer.length) {
      const t = this.rng.openUniform([this.chunk]);
      this.buffer = t.dataSync() as Float32Array;
      t.dispose();
      this.next = 0;
    }
    return this.buffer[this.next++];
  }

  /** A standard normal draw (Box-Muller; one of the pair is discarded to keep the code stateless). */
  normal(): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

// Below this mean, inversion by sequential search is cheaper than PTRS/BTRS set-up (numpy uses the same cut).
const INVERSION_LIMIT = 10;

/** One Poisson(λ) draw: inversion for λ < 10, else PTRS (Hörmann 1993, "transformed rejection with squeeze"). */
export function samplePoisson(lambda: number, src: UniformSource): number {
  if (!(lambda > 0)) return 0;
  if (lambda < INVERSION_LIMIT) {
    const u = src.uniform();
    let k = 0;
    let p = Math.exp(-lambda);
    let cdf = p;
    // The cap only guards against u rounding above the float64 cdf; P(X > 200 | λ < 10) < 1e-150.
    while (u > cdf && k < 200) {
      k += 1;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
  // PTRS constants from Hörmann (1993), Table/Algorithm PTRS, as in numpy's random_poisson_ptrs.
  const slam = Math.sqrt(lambda);
  const logLam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = src.uniform() - 0.5;
    const V = src.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLam - logFactorial64(k)) {
      return k;
    }
  }
}

/** One Binomial(n, p) draw: inversion when n·min(p, 1-p) < 10, else BTRS (Hörmann 1993). */
export function sampleBinomial(n: number, p: number, src: UniformSource): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  // Symmetry: draw with the smaller probability so both algorithms work in their valid range.
  if (p > 0.5) return n - sampleBinomial(n, 1 - p, src);
  const q = 1 - p;
  if (n * p < INVERSION_LIMIT) {
    const u = src.uniform();
    let k = 0;
    // q^n ≥ e^{-1.39 n p} > 1e-7 here (p ≤ 0.5, n p < 10): no underflow.
    let pk = Math.pow(q, n);
    let cdf = pk;
    const ratio = p / q;
    while (u > cdf && k < n) {
      pk *= ((n - k) / (k + 1)) * ratio;
      k += 1;
      cdf += pk;
    }
    return k;
  }
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial64(m) + logFactorial64(n - m);
  for (;;) {
    const U = src.uniform() - 0.5;
    let V = src.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && V <= vr) return k;
    V = Math.log((V * alpha) / (a / (us * us) + b));
    if (V <= h - logFactorial64(k) - logFactorial64(n - k) + (k - m) * lpq) return k;
  }
}

/** One Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 boosted by U^{1/shape}). */
export function sampleGamma(shape: number, src: UniformSource): number {
  if (!(shape > 0)) return 0;
  if (shape < 1) {
    // Work in log space for the boost: U^{1/shape} underflows for tiny shapes.
    const g = sampleGamma(shape + 1, src);
    return Math.exp(Math.log(g) + Math.log(src.uniform()) / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = src.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = src.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One NegativeBinomial(r, p) draw (successes before r failures): Poisson(Gamma(r) · p / (1 - p)). */
export function sampleNegativeBinomial(r: number, p: number, src: UniformSource): number {
  if (p <= 0) return 0;
  const rate = sampleGamma(r, src) * (p / (1 - p));
  return samplePoisson(rate, src);
}

/** One Multinomial(n, probs) draw of K counts by conditional binomials. */
export function sampleMultinomial(n: number, probs: ArrayLike<number>, src: UniformSource): number[] {
  const counts: number[] = [];
  let left = n;
  let massLeft = 1;
  for (let k = 0; k < probs.length; k++) {
    if (k === probs.length - 1) {
      counts.push(left);
      break;
    }
    // Conditional probability of category k given it is not one of 0..k-1; clamped against round-off.
    const pk = massLeft > 0 ? Math.min(1, Math.max(0, probs[k] / massLeft)) : 0;
    const x = sampleBinomial(left, pk, src);
    counts.push(x);
    left -= x;
    massLeft -= probs[k];
  }
  return counts;
}

/**
 * Draws [...sampleShape, ...batchShape] counts with `draw`, which receives the uniform source and the
 * parameters of one batch element (each parameter tensor broadcast to batchShape, read once).
 */
export function drawElementwise(
  rng: RandomStream,
  sampleShape: readonly number[],
  batchShape: readonly number[],
  params: readonly tf.Tensor[],
  draw: (src: UniformSource, ...param: number[]) => number,
): tf.Tensor {
  const values = params.map((p) => tf.tidy(() => tf.broadcastTo(p, [...batchShape]).dataSync()));
  const batchSize = batchShape.reduce((a, b) => a * b, 1);
  const samples = sampleShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(samples * batchSize);
  const src = new UniformSource(rng);
  for (let s = 0; s < samples; s++) {
    for (let b = 0; b < batchSize; b++) out[s * batchSize + b] = draw(src, ...values.map((v) => v[b]));
  }
  return tf.tensor(out, [...sampleShape, ...batchShape], 'float32');
}
