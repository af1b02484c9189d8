/**
 * The standard normal density φ, distribution function Φ, log Φ and the inverse Mills ratio φ/Φ, stable in
 * both tails: tfjs versions (float32, differentiable) and plain-JS float64 versions (for quadrature).
 *
 * Why not tf.erf: tfjs' erf is the Abramowitz-Stegun 7.1.26 fit with 1.5e-7 ABSOLUTE error, so 1 - erf(z)
 * has no correct digits once erfc(z) < 1e-7 (x < -5.3). Everything here goes through the scaled
 * complementary error function erfcx(z) = e^{z²} erfc(z) for z ≥ 0, which has a bounded, smooth range
 * (0, 1], so log Φ(x) = log(erfcx(z)/2) - z² with z = -x/√2 keeps full relative accuracy down to the
 * point where z² itself overflows.
 */
import { F, fuse, type FExpr } from '../fusion/index.js';
import { tf } from '../tf.js';

/** ½ log(2π). */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;
/** √(2/π) = φ(x)/Φ(x) expressed through erfcx: φ/Φ = √(2/π) / erfcx(-x/√2) for x ≤ 0. */
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

// Numerical Recipes (Press et al., 2nd ed., section 6.2, `erfcc`): erfc(z) = t exp(-z² + P(t)),
// t = 1/(1 + z/2), z ≥ 0, a Chebyshev fit with FRACTIONAL error below 1.2e-7 everywhere on z ≥ 0. Relative
// (not absolute) accuracy is what the far tail needs, and 1.2e-7 is at float32 resolution (6e-8).
const NR_ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** log φ(x), elementwise. */
export function normalLogPdf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(tf.square(x), -0.5), LOG_SQRT_2PI));
}

/** log N(x | μ, σ²), elementwise with broadcasting: -½((x-μ)/σ)² - log σ - ½ log 2π. */
export function normalLogDensity(x: tf.Tensor, mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
  return fuse([x, mu, sigma], normalLogDensityTerm);
}

/** normalLogDensity as one fused program (stdlib/fusion): the ops of normalLogPdf((x - μ)/σ) - log σ, in order. */
function normalLogDensityTerm(x: FExpr, mu: FExpr, sigma: FExpr): FExpr {
  const z = F.div(F.sub(x, mu), sigma);
  return F.sub(F.sub(F.mul(F.square(z), -0.5), LOG_SQRT_2PI), F.log(sigma));
}

/** log erfcx(z) = log t + P(t) for z ≥ 0 (Numerical Recipes fit; never under- or overflows). */
function logErfcxNonneg(z: tf.Tensor): tf.Tensor {
  const t = tf.reciprocal(tf.add(tf.mul(z, 0.5), 1));
  let p: tf.Tensor = tf.scalar(NR_ERFC[NR_ERFC.length - 1]);
  for (let i = NR_ERFC.length - 2; i >= 0; i--) p = tf.add(tf.mul(p, t), NR_ERFC[i]);
  return tf.add(tf.log(t), p);
}

/**
 * log(1 + x) to a few ulps using only log (Goldberg 1991, Theorem 4: log(u)·x/(u - 1) with u = fl(1 + x)).
 * Not tf.log1p: the WASM backend's Log1p is computed as log(1 + x), which returns 0 for |x| < 6e-8 and loses
 * all relative accuracy in the upper tail of log Φ. Forward only (callers supply the gradient).
 */
function log1pForward(x: tf.Tensor): tf.Tensor {
  const u = tf.add(x, 1);
  const d = tf.sub(u, 1);
  return tf.where(tf.equal(d, 0), x, tf.mul(tf.log(u), tf.div(x, d)));
}

/** log Φ(x) from the erfcx fit: x ≤ 0: Φ = erfc(z)/2; x > 0: Φ = 1 - erfc(z)/2 (log1p of a value ≥ -1/2). */
function logCdfForward(x: tf.Tensor): tf.Tensor {
  const z = tf.mul(tf.abs(x), SQRT1_2);
  // z² as x²/2 rather than (x/√2)²: one rounding fewer in the dominant term of the tail.
  const logErfc = tf.sub(logErfcxNonneg(z), tf.mul(tf.square(x), 0.5));
  return tf.where(tf.lessEqual(x, 0), tf.sub(logErfc, Math.LN2), log1pForward(tf.mul(tf.exp(logErfc), -0.5)));
}

/**
 * λ(x) = φ(x)/Φ(x) = d log Φ/dx. For x ≤ 0 the e^{-z²} factors of φ and Φ cancel analytically,
 * λ = √(2/π)/erfcx(-x/√2), so λ ≈ -x stays exact far in the lower tail, where log φ - log Φ would be the
 * difference of two huge, rounded float32 numbers. For x > 0, Φ ≥ 1/2 and the direct ratio is safe.
 */
function millsForward(x: tf.Tensor): tf.Tensor {
  const lower = tf.lessEqual(x, 0);
  const millsLower = tf.mul(tf.exp(tf.neg(logErfcxNonneg(tf.mul(tf.abs(x), SQRT1_2)))), SQRT_2_OVER_PI);
  const millsUpper = tf.exp(tf.sub(normalLogPdf(x), logCdfForward(x)));
  return tf.where(lower, millsLower, millsUpper);
}

/** log Φ(x), elementwise, float32-stable in both tails; its gradient is the exact φ(x)/Φ(x). */
export function normalLogCdf(x: tf.Tensor): tf.Tensor {
  // customGrad: differentiating the Chebyshev fit would give a slightly different derivative, and through
  // the -z² term of the x ≤ 0 branch a cancellation-prone one; the exact derivative is cheap.
  // (customGrad runs the forward pass in a tidy, so x is saved and λ recomputed in the backward pass.)
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xIn = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([xIn]);
    return {
      value: logCdfForward(xIn),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, millsForward(saved[0])),
    };
  });
  return f(x) as tf.Tensor;
}

/** Φ(x), elementwise, with full relative accuracy in the lower tail (until float32 underflow near x = -13). */
export function normalCdf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.exp(normalLogCdf(x)));
}

/** log(1 - Φ(x)) = log Φ(-x), elementwise. */
export function normalLogSf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => normalLogCdf(tf.neg(x)));
}

/** The inverse Mills ratio φ(x)/Φ(x), elementwise (≈ -x in the lower tail, → 0 in the upper tail). */
export function normalMillsRatio(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => millsForward(x));
}

// ── float64, plain JS ────────────────────────────────────────────────────────────────────────────────

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * erfcx(z) = e^{z²} erfc(z) for z ≥ 0 in float64, the slow reference (relative error ~1e-13) from which the
 * fast table below is built.
 * z < 2.5: the all-positive series erf(z) = (2/√π) e^{-z²} Σ 2ⁿ z^{2n+1}/(2n+1)!! (no cancellation inside the
 * sum; 1 - erf loses at most log10(1/erfc(2.5)) ≈ 3.4 digits). z ≥ 2.5: the continued fraction
 * erfc(z) = e^{-z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))) by the modified Lentz method, which
 * converges in a few dozen terms there.
 */
function erfcxReference64(z: number): number {
  if (z < 2.5) {
    const z2 = z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (2 * z2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const erf = 2 * INV_SQRT_PI * Math.exp(-z2) * sum;
    return (1 - erf) * Math.exp(z2);
  }
  // Lentz on b0 + a1/(b1 + a2/(b2 + ...)) with b_k = z and a_k = k/2.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = z + a / c;
    if (c === 0) c = tiny;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return INV_SQRT_PI / f;
}

// Fast erfcx: piecewise Chebyshev interpolants of erfcxReference64 in y = 2/(2 + z) ∈ (0, 1], which maps
// [0, ∞) to a bounded interval on which erfcx is smooth (erfcx ≈ 1/(√π z) = y/(2√π(1 - y)) near y = 0).
// 64 pieces of degree 10 reproduce the reference to ~3e-12 relative at ~1/5 of its cost; built on first use
// (64 × 11 reference evaluations, well under a millisecond). Proposition 2's quadrature calls this ~10⁵ times
// per row, which is why it exists.
const CHEB_PIECES = 64;
const CHEB_DEGREE = 10;
let chebTable: Float64Array | undefined;

function buildChebTable(): Float64Array {
  const n = CHEB_DEGREE + 1;
  const table = new Float64Array(CHEB_PIECES * n);
  const values = new Float64Array(n);
  for (let m = 0; m < CHEB_PIECES; m++) {
    const a = m / CHEB_PIECES;
    const b = (m + 1) / CHEB_PIECES;
    for (let i = 0; i < n; i++) {
      const y = 0.5 * (a + b) + 0.5 * (b - a) * Math.cos((Math.PI * (i + 0.5)) / n);
      values[i] = erfcxReference64(2 / y - 2);
    }
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[i] * Math.cos((Math.PI * j * (i + 0.5)) / n);
      table[m * n + j] = (2 * sum) / n;
    }
  }
  return table;
}

/** erfcx(z) = e^{z²} erfc(z) for z ≥ 0 in float64 (relative error < 1e-11), never under- or overflowing. */
export function erfcx64(z: number): number {
  if (!(z >= 0)) throw new RangeError(`erfcx64 needs z >= 0, got ${z}`);
  const table = (chebTable ??= buildChebTable());
  const n = CHEB_DEGREE + 1;
  const y = 2 / (2 + z);
  const m = Math.min(CHEB_PIECES - 1, Math.floor(y * CHEB_PIECES));
  // Clenshaw's recurrence for Σ c_j T_j(t) - c_0/2 with t the position of y in its piece, mapped to [-1, 1].
  const t = 2 * y * CHEB_PIECES - 2 * m - 1;
  let b1 = 0;
  let b2 = 0;
  for (let j = CHEB_DEGREE; j >= 1; j--) {
    const b0 = 2 * t * b1 - b2 + table[m * n + j];
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + 0.5 * table[m * n];
}

/** log φ(x) in float64. */
export function normalLogPdf64(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/** log Φ(x) in float64, accurate in both tails (log Φ(-40) = -804.608...). */
export function normalLogCdf64(x: number): number {
  const z = Math.abs(x) * SQRT1_2;
  const r = erfcx64(z);
  if (x <= 0) return Math.log(0.5 * r) - z * z;
  return Math.log1p(-0.5 * r * Math.exp(-z * z));
}

/** Φ(x) in float64. */
export function normalCdf64(x: number): number {
  const z = Math.abs(x) * SQRT1_2;
  const tail = 0.5 * erfcx64(z) * Math.exp(-z * z);
  return x <= 0 ? tail : 1 - tail;
}

/** φ(x)/Φ(x) in float64 (= d log Φ(x)/dx), exact in the lower tail. */
export function normalMillsRatio64(x: number): number {
  if (x <= 0) return SQRT_2_OVER_PI / erfcx64(-x * SQRT1_2);
  return Math.exp(normalLogPdf64(x) - normalLogCdf64(x));
}
