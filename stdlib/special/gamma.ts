/**
 * Log-gamma and its relatives for float32 tensors (tfjs has none), plus float64 plain-JS versions used as
 * references and for JS-side samplers. The tensor versions are built from differentiable tf ops, so
 * gradients flow through them (d lgamma / dx = digamma, by construction of the series below).
 */
import { tf } from '../tf.js';

/** ½ log(2π), the constant of Stirling's series. */
const HALF_LOG_2PI = 0.9189385332046728;

// Recurrence shift: Γ(x) = Γ(x + 8) / Π_{k<8} (x + k). Stirling's series at z = x + 8 ≥ 8 truncated after
// the z^-7 term errs by < 1/(1188 z^9) ≈ 6e-12, far below float32 resolution, so no branch on x is needed
// and the same formula serves x from 1e-3 to 1e30. The product is kept as a sum of logs so that it cannot
// overflow float32 for large x ((1e6)^8 would).
const SHIFT = 8;

/** Σ_{k<SHIFT} log(x + k): the log of the recurrence product. */
function logShiftProduct(x: tf.Tensor): tf.Tensor {
  let acc = tf.log(x);
  for (let k = 1; k < SHIFT; k++) acc = tf.add(acc, tf.log(tf.add(x, k)));
  return acc;
}

/** log Γ(x) elementwise for x > 0 (float32, accurate to ~1e-6·max(1, |log Γ(x)|) from 1e-3 to 1e6). */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    const zInv = tf.reciprocal(z);
    const zInv2 = tf.square(zInv);
    // Stirling's series (Abramowitz & Stegun 6.1.41): 1/(12z) - 1/(360z³) + 1/(1260z⁵) - 1/(1680z⁷), in Horner form.
    const series = tf.mul(
      zInv,
      tf.sub(1 / 12, tf.mul(zInv2, tf.sub(1 / 360, tf.mul(zInv2, tf.sub(1 / 1260, tf.mul(zInv2, 1 / 1680)))))),
    );
    const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), tf.add(series, HALF_LOG_2PI));
    return tf.sub(stirling, logShiftProduct(x));
  });
}

/** ψ(x) = d/dx log Γ(x) elementwise for x > 0 (float32; same shift as lgamma, asymptotic series at x + 8). */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    const zInv = tf.reciprocal(z);
    const zInv2 = tf.square(zInv);
    // A&S 6.3.18: log z - 1/(2z) - 1/(12z²) + 1/(120z⁴) - 1/(252z⁶) + 1/(240z⁸); next term < 1e-11 at z ≥ 8.
    const series = tf.mul(
      zInv2,
      tf.sub(1 / 12, tf.mul(zInv2, tf.sub(1 / 120, tf.mul(zInv2, tf.sub(1 / 252, tf.mul(zInv2, 1 / 240)))))),
    );
    let shiftSum = tf.reciprocal(x);
    for (let k = 1; k < SHIFT; k++) shiftSum = tf.add(shiftSum, tf.reciprocal(tf.add(x, k)));
    return tf.sub(tf.sub(tf.sub(tf.log(z), tf.mul(zInv, 0.5)), series), shiftSum);
  });
}

/** log k! = log Γ(k + 1) elementwise for k ≥ 0 (float32). */
export function logFactorial(k: tf.Tensor): tf.Tensor {
  return tf.tidy(() => lgamma(tf.add(k, 1)));
}

/** log C(n, k) = log Γ(n+1) - log Γ(k+1) - log Γ(n-k+1) elementwise for 0 ≤ k ≤ n (float32, real n allowed). */
export function logBinomial(n: tf.Tensor | number, k: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const nt = tf.cast(n, 'float32');
    const kt = tf.cast(k, 'float32');
    return tf.sub(tf.sub(lgamma(tf.add(nt, 1)), lgamma(tf.add(kt, 1))), lgamma(tf.add(tf.sub(nt, kt), 1)));
  });
}

// ── float64 plain-JS versions ────────────────────────────────────────────────────────────────────────

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): relative error ~1e-15 in float64. A different
// method from the tensor version on purpose, so that one can serve as an independent reference for the other.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log |Γ(x)| in float64 (Lanczos; reflection formula for x < 0.5). */
export function lgamma64(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma64(1 - x);
  const xm = x - 1;
  let a = LANCZOS[0];
  const t = xm + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (xm + i);
  return HALF_LOG_2PI + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log k! in float64 for integer k ≥ 0 (exact sums of logs below 256, Lanczos above). */
export function logFactorial64(k: number): number {
  if (k < LOG_FACTORIAL_TABLE.length) return LOG_FACTORIAL_TABLE[k];
  return lgamma64(k + 1);
}

/** log C(n, k) in float64. */
export function logBinomial64(n: number, k: number): number {
  return lgamma64(n + 1) - lgamma64(k + 1) - lgamma64(n - k + 1);
}

// Summing logs is exact to a few ulps for small k and independent of the Lanczos coefficients.
const LOG_FACTORIAL_TABLE: readonly number[] = (() => {
  const table = [0];
  for (let k = 1; k < 256; k++) table.push(table[k - 1] + Math.log(k));
  return table;
})();
