/**
 * Recovering the discrete distribution an IGR relaxes (IGR paper section 3.3, Propositions 1-2; v1 eq. (26)-
 * (29); docs/math.md section 5).
 *
 * Proposition 1: as τ → 0, softmax++(x, τ) → h(x) = e_{k*} (k* = argmax x_k) when max_k x_k > 0, and the K-th
 * vertex when every x_k < 0. H is the category h picks.
 *
 * Proposition 2 (IGR-I, x = y ~ N(μ, diag σ²)):
 *   P(H = k) = ∫₀^∞ (1/σ_k) φ((t - μ_k)/σ_k) Π_{j≠k} Φ((t - μ_j)/σ_j) dt,  k < K;   P(H = K) = Π_j Φ(-μ_j/σ_j).
 * The same t enters every Φ (the authors' 15-node code evaluates Φ at √2 σ_j x for each j, which is right only
 * when all σ are equal; not copied).
 *
 * How the integral is computed (float64, log space). With t = μ_k + σ_k s the integrand is
 *   exp ℓ(s),  ℓ(s) = log φ(s) + Σ_{j≠k} log Φ(c_j + r_j s),  r_j = σ_k/σ_j,  c_j = (μ_k - μ_j)/σ_j,  s > s₀ = -μ_k/σ_k.
 * ℓ is 1-strongly concave (log φ has curvature -1, log Φ is concave), so: (i) its maximiser s_m on [s₀, ∞) is
 * found safely by Newton/bisection on the decreasing ℓ'; (ii) ℓ(s) ≤ ℓ(s_m) - (s - s_m)²/2 on the feasible side,
 * so [max(s₀, s_m - 10), s_m + 10] holds all but e^{-50} of the mass; (iii) factoring out e^{ℓ(s_m)} leaves an
 * integrand in (0, 1] and keeps tiny probabilities representable as logs. The window is integrated by adaptive
 * Gauss-Kronrod (7/15 points per panel, bisecting panels whose embedded error estimate is too large), starting from
 * panels graded around s_m at the Laplace scale h = (-ℓ''(s_m))^{-1/2} and broken at every factor's transition
 * point c_j + r_j s = 0 that is narrower than the peak.
 * **Decision:** a plain (mode-centred) Gauss-Hermite rule is not used for the main path: the lower limit
 * t > 0 is a jump of the integrand inside the bulk whenever μ_k/σ_k is moderate, and steep factors
 * (σ_k ≫ σ_j) are narrow steps; a fixed Gauss-Hermite rule converges only like O(n^{-1/2}) on such steps,
 * while the windowed adaptive Gauss-Kronrod rule reaches ~1e-13 at any σ ratio.
 */
import type { RandomStream } from '../random.js';
import { normalLogCdf64, normalMillsRatio64, LOG_SQRT_2PI } from '../special/normal.js';
import { gaussKronrod15 } from '../special/quadrature.js';
import { tf } from '../tf.js';

/**
 * Proposition 1's hard map: one-hot [..., K] of argmax over (x_1, …, x_{K-1}, 0), i.e. e_{k*} when
 * max_k x_k > 0 and the K-th vertex otherwise. x is the softmax++ input, shape [..., K-1].
 */
export function igrHard(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const k = x.shape[x.rank - 1] + 1;
    const padded = tf.concat([x, tf.zeros([...x.shape.slice(0, -1), 1])], -1);
    return tf.cast(tf.oneHot(tf.argMax(padded, -1), k), 'float32');
  });
}

// ── Proposition 2 ───────────────────────────────────────────────────────────────────────────────────────

/** Half-width of the integration window around the mode (strong concavity: relative mass outside < e^{-50}). */
const WINDOW = 10;
/**
 * A panel is accepted when |K15 - G7| ≤ REL_TOL × (its share of the integral). |K15 - G7| is the error of the
 * 7-point rule, a gross overestimate of the 15-point rule's error on smooth integrands, so the results are far
 * more accurate than 1e-8 (~1e-13 against scipy's adaptive quad in the tests).
 */
const REL_TOL = 1e-8;
/** Safety cap on refined panels per integral. */
const MAX_PANELS = 4000;

/** ℓ and its derivatives for one category k. */
class Integrand {
  readonly s0: number;
  private readonly r: Float64Array;
  private readonly c: Float64Array;

  constructor(mu: ArrayLike<number>, sigma: ArrayLike<number>, k: number) {
    const d = mu.length;
    this.s0 = -mu[k] / sigma[k];
    this.r = new Float64Array(d - 1);
    this.c = new Float64Array(d - 1);
    for (let j = 0, i = 0; j < d; j++) {
      if (j === k) continue;
      this.r[i] = sigma[k] / sigma[j];
      this.c[i] = (mu[k] - mu[j]) / sigma[j];
      i++;
    }
  }

  /** ℓ(s) = log φ(s) + Σ_j log Φ(c_j + r_j s). */
  value(s: number): number {
    let v = -0.5 * s * s - LOG_SQRT_2PI;
    for (let i = 0; i < this.r.length; i++) v += normalLogCdf64(this.c[i] + this.r[i] * s);
    return v;
  }

  /** ℓ'(s) and -ℓ''(s) (using λ' = -λ(λ + z) for the inverse Mills ratio λ = φ/Φ). */
  slope(s: number): { d1: number; curvature: number } {
    let d1 = -s;
    let curvature = 1;
    for (let i = 0; i < this.r.length; i++) {
      const z = this.c[i] + this.r[i] * s;
      const lam = normalMillsRatio64(z);
      d1 += this.r[i] * lam;
      // λ(λ + z) ∈ (0, 1); λ + z cancels for z ≪ 0, so clamp the rounding (only the panel scale uses it).
      curvature += this.r[i] * this.r[i] * Math.min(1, Math.max(0, lam * (lam + z)));
    }
    return { d1, curvature };
  }

  /** Points where a factor Φ(c_j + r_j s) switches on, with its width 1/r_j. */
  transitions(): { at: number; width: number }[] {
    return Array.from(this.r, (r, i) => ({ at: -this.c[i] / r, width: 1 / r }));
  }
}

/** The maximiser of ℓ on [s₀, ∞): ℓ' > 0 on s < 0 (every λ > 0), so it lies in [max(s₀, 0), ∞). */
function findMode(f: Integrand): number {
  const base = Math.max(f.s0, 0);
  if (f.slope(base).d1 <= 0) return base;
  let lo = base;
  let step = 1;
  while (f.slope(base + step).d1 > 0 && step < 1e300) {
    lo = base + step;
    step *= 2;
  }
  let hi = base + step;
  let s = 0.5 * (lo + hi);
  for (let it = 0; it < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(s)); it++) {
    const { d1, curvature } = f.slope(s);
    if (d1 === 0) return s;
    if (d1 > 0) lo = s;
    else hi = s;
    const newton = s + d1 / curvature;
    s = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
  }
  return s;
}

/** log ∫_{s₀}^∞ exp ℓ(s) ds for category k (see the file comment). */
function logIntegral(mu: ArrayLike<number>, sigma: ArrayLike<number>, k: number): number {
  const f = new Integrand(mu, sigma, k);
  const sm = findMode(f);
  const h = 1 / Math.sqrt(f.slope(sm).curvature);
  const a = Math.max(f.s0, sm - WINDOW);
  const b = sm + WINDOW;
  // Panels graded around the mode at the Laplace scale h, and cuts around every factor's switch that is
  // narrower than the peak (a gentler factor is smooth on the panel scale already).
  const cuts = new Set<number>([a, b, sm]);
  for (let step = h; step < WINDOW; step *= 3) {
    cuts.add(sm - step);
    cuts.add(sm + step);
  }
  for (const { at, width } of f.transitions()) {
    if (width < h) for (const off of [-width, 0, width]) cuts.add(at + off);
  }
  const edges = [...cuts].filter((x) => x >= a && x <= b).sort((p, q) => p - q);

  const peak = f.value(sm);
  const g = (s: number): number => Math.exp(f.value(s) - peak);
  const stack: [number, number, { value: number; error: number }][] = [];
  let estimate = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    if (edges[i + 1] <= edges[i]) continue;
    const r = gaussKronrod15(g, edges[i], edges[i + 1]);
    stack.push([edges[i], edges[i + 1], r]);
    estimate += r.value;
  }
  const tol = REL_TOL * estimate;
  let total = 0;
  let refined = 0;
  while (stack.length > 0) {
    const [lo, hi, r] = stack.pop() as [number, number, { value: number; error: number }];
    if (r.error <= (tol * (hi - lo)) / (b - a) || refined >= MAX_PANELS || hi - lo < 1e-12 * (b - a)) {
      total += r.value;
    } else {
      refined++;
      const mid = 0.5 * (lo + hi);
      stack.push([lo, mid, gaussKronrod15(g, lo, mid)], [mid, hi, gaussKronrod15(g, mid, hi)]);
    }
  }
  // A probability: clamp the ~1e-16 rounding above 0 that a certain category can pick up.
  return Math.min(0, peak + Math.log(total));
}

/**
 * log P(H = k), k = 1..K, for one IGR-I (Proposition 2) in float64: mu and sigma have the K-1 Gaussian
 * coordinates; returns K log-probabilities (the last is log Π_j Φ(-μ_j/σ_j)).
 */
export function igrDiscreteLogProbs64(mu: ArrayLike<number>, sigma: ArrayLike<number>): Float64Array {
  const d = mu.length;
  if (sigma.length !== d) throw new RangeError(`mu and sigma must have the same length, got ${d} and ${sigma.length}`);
  for (let j = 0; j < d; j++) {
    if (!(sigma[j] > 0) || !Number.isFinite(mu[j])) throw new RangeError(`need finite mu and sigma > 0 (entry ${j})`);
  }
  const out = new Float64Array(d + 1);
  let last = 0;
  for (let j = 0; j < d; j++) last += normalLogCdf64(-mu[j] / sigma[j]);
  out[d] = last;
  for (let k = 0; k < d; k++) out[k] = logIntegral(mu, sigma, k);
  return out;
}

/** Applies the row function over the leading axes of mu [..., K-1] (sigma broadcast to it). */
function mapRows(mu: tf.Tensor, sigma: tf.Tensor, row: (m: Float64Array, s: Float64Array) => Float64Array): tf.Tensor {
  const d = mu.shape[mu.rank - 1];
  const shape = tf.backend_util.assertAndGetBroadcastShape(mu.shape, sigma.shape);
  const [m, s] = tf.tidy(() => [tf.broadcastTo(mu, shape).dataSync(), tf.broadcastTo(sigma, shape).dataSync()]);
  const rows = m.length / d;
  const out = new Float32Array(rows * (d + 1));
  for (let i = 0; i < rows; i++) {
    const r = row(Float64Array.from(m.subarray(i * d, (i + 1) * d)), Float64Array.from(s.subarray(i * d, (i + 1) * d)));
    out.set(r, i * (d + 1));
  }
  return tf.tensor(out, [...shape.slice(0, -1), d + 1]);
}

/** A σ given as one number for every coordinate, or per coordinate. */
const sigmaRow = (sigma: number | readonly number[], d: number): number[] =>
  typeof sigma === 'number' ? new Array<number>(d).fill(sigma) : [...sigma];

/** Runs a row kernel on tensors (batched, float32 out) or on plain arrays (float64 out). */
function byRows(
  mu: tf.Tensor | readonly number[],
  sigma: tf.Tensor | number | readonly number[],
  row: (m: Float64Array, s: Float64Array) => Float64Array,
): tf.Tensor | number[] {
  if (!(mu instanceof tf.Tensor)) {
    return Array.from(row(Float64Array.from(mu), Float64Array.from(sigmaRow(sigma as number | readonly number[], mu.length))));
  }
  const s = sigma instanceof tf.Tensor ? sigma : tf.tensor(sigma as number | number[]);
  try {
    return mapRows(mu, s, row);
  } finally {
    if (s !== sigma) s.dispose();
  }
}

/**
 * log P(H = k) of Proposition 2 for an IGR-I with Gaussian parameters μ, σ ([..., K-1], σ broadcast):
 * [..., K] log-probabilities. Tensors in, tensor out (float32, no gradient); or plain arrays (float64).
 */
export function igrDiscreteLogProbs(mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor;
export function igrDiscreteLogProbs(mu: readonly number[], sigma: number | readonly number[]): number[];
export function igrDiscreteLogProbs(
  mu: tf.Tensor | readonly number[],
  sigma: tf.Tensor | number | readonly number[],
): tf.Tensor | number[] {
  return byRows(mu, sigma, igrDiscreteLogProbs64);
}

/**
 * P(H = k), k = 1..K, of Proposition 2 (the discrete distribution an IGR-I relaxes), accurate to ~1e-10:
 * [..., K] probabilities. Tensors in, tensor out (float32, no gradient); or plain arrays (float64).
 */
export function igrDiscreteProbs(mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor;
export function igrDiscreteProbs(mu: readonly number[], sigma: number | readonly number[]): number[];
export function igrDiscreteProbs(
  mu: tf.Tensor | readonly number[],
  sigma: tf.Tensor | number | readonly number[],
): tf.Tensor | number[] {
  return byRows(mu, sigma, (m, s) => igrDiscreteLogProbs64(m, s).map(Math.exp));
}

/** Anything that draws hard one-hot samples h(x): the IGR distributions (rsampleDetailed). */
export interface HardSampler {
  readonly batchShape: readonly number[];
  readonly numCategories: number;
  rsampleDetailed(rng: RandomStream, sampleShape?: readonly number[]): { readonly hard: tf.Tensor };
}

/** Most floats in one chunk of draws (about 16 MB per float32 tensor of the chunk). */
const CHUNK_ELEMENTS = 4_000_000;

/**
 * Counts of h(x) over `samples` draws, [...batch, K] float32. Draws come in chunks of at most `chunkElements`
 * floats, so samples × batch × K never has to be held at once (evaluation recovers whole test batches with
 * 1,000 draws each).
 */
export function igrHardCounts(dist: HardSampler, rng: RandomStream, samples: number, chunkElements = CHUNK_ELEMENTS): tf.Tensor {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer, got ${samples}`);
  const perDraw = [...dist.batchShape, dist.numCategories].reduce((a, b) => a * b, 1);
  const chunk = Math.max(1, Math.min(samples, Math.floor(chunkElements / perDraw)));
  let counts: tf.Tensor | undefined;
  for (let done = 0; done < samples; done += chunk) {
    const m = Math.min(chunk, samples - done);
    const part = tf.tidy(() => tf.sum(dist.rsampleDetailed(rng, [m]).hard, 0));
    if (counts === undefined) counts = part;
    else {
      const next = tf.add(counts, part);
      tf.dispose([counts, part]);
      counts = next;
    }
  }
  return counts as tf.Tensor;
}

/**
 * Monte Carlo recovery for IGR-SB / IGR-Planar (no closed form; IGR paper section 3.3): the mean of h(x) over
 * `samples` draws (≥ 1000 recommended; the standard error of each entry is ≤ 0.5/√samples), shape [...batch, K].
 */
export function igrDiscreteProbsMonteCarlo(dist: HardSampler, rng: RandomStream, samples = 1000): tf.Tensor {
  const counts = igrHardCounts(dist, rng, samples);
  const probs = tf.div(counts, samples);
  counts.dispose();
  return probs;
}
