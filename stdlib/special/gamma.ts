/**
 * Log-gamma and its relatives for float32 tensors (tfjs has none); the float64 plain-JS versions (references,
 * JS-side samplers, compile-time analysis) live in gamma64.ts and are re-exported here. The tensor versions are built from differentiable tf ops, so
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

/**
 * log Γ(x) - log Γ(y) elementwise for x, y > 0, accurate when x ≈ y: the difference of two lgamma values of size
 * x log x loses about 7 digits of float32 at x = 1000 (an absolute error of ~1e-3 in a KL of nearly equal Gammas).
 * Written as the difference of the two Stirling forms of lgamma term by term, with every difference of logs as a
 * log1p of the relative gap d/y (d = x - y):
 *   (z_x - ½) log z_x - (z_y - ½) log z_y - d = d log z_x + (z_y - ½) log1p(d/z_y) - d     (z = · + 8)
 *   Σ_k log(x + k) - Σ_k log(y + k) = Σ_k log1p(d/(y + k)),
 * plus the difference of the small series terms. Exact to float32 rounding of d-sized quantities.
 */
export function lgammaDifference(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(x, y);
    const zx = tf.add(x, SHIFT);
    const zy = tf.add(y, SHIFT);
    const main = tf.sub(tf.add(tf.mul(d, tf.log(zx)), tf.mul(tf.sub(zy, 0.5), tf.log1p(tf.div(d, zy)))), d);
    const series = (z: tf.Tensor) => {
      const zInv = tf.reciprocal(z);
      const zInv2 = tf.square(zInv);
      return tf.mul(zInv, tf.sub(1 / 12, tf.mul(zInv2, tf.sub(1 / 360, tf.mul(zInv2, tf.sub(1 / 1260, tf.mul(zInv2, 1 / 1680)))))));
    };
    let shift = tf.log1p(tf.div(d, y));
    for (let k = 1; k < SHIFT; k++) shift = tf.add(shift, tf.log1p(tf.div(d, tf.add(y, k))));
    return tf.sub(tf.add(main, tf.sub(series(zx), series(zy))), shift);
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

// ── float64 plain-JS versions: in gamma64.ts (no tfjs import, so the compiler can use them) ────────────
export { lgamma64, digamma64, logFactorial64, logBinomial64 } from './gamma64.js';
