/**
 * softmax++ (IGR paper eq. (15), v1 eq. (21); appendix A; docs/math.md section 1): the invertible map from
 * R^{K-1} to the interior of the simplex with K entries,
 *   g_k = exp(y_k/τ) / (Σ_{j<K} exp(y_j/τ) + δ),  k < K;   g_K = δ / (Σ_{j<K} exp(y_j/τ) + δ) = 1 - Σ_{k<K} g_k.
 * Everything is computed from log g in the shifted form with m = max(max_k y_k/τ, 0):
 *   log den = m + log(Σ_j e^{y_j/τ - m} + δ e^{-m}),  log g_k = y_k/τ - log den,  log g_K = log δ - log den,
 * so no exponent exceeds 0 (no overflow at τ = 0.01, |y| = 100) and the last entry is never formed as 1 - sum
 * (which would be 0 or negative in float32 once the other entries round to 1).
 * y has shape [..., K-1]; outputs have shape [..., K] (entries) or [...] (log-determinants).
 */
import { F, fuse, type FExpr } from '../fusion/index.js';
import { detached } from '../stop-gradient.js';
import { tf } from '../tf.js';
import { logScalar, safeLog, lastDim, type ScalarLike } from './transform-utils.js';

// The elementwise pieces of logSoftmaxPlusPlus as fused programs (stdlib/fusion): each is the ops it replaced, in
// the same order, so values are those of the unfused code; a training step runs 3 kernels (and one fused backward
// each) where it ran 10.
/** e^{y/τ - m}. */
const shiftedExp = (y: FExpr, tau: FExpr, m: FExpr): FExpr => F.exp(F.sub(F.div(y, tau), m));
/** log den = m + log(Σ + e^{-m}·δ). */
const logDenominator = (m: FExpr, sum: FExpr, delta: FExpr): FExpr => F.add(m, F.log(F.add(sum, F.mul(F.exp(F.neg(m)), delta))));
/** y/τ - log den. */
const headLogEntries = (y: FExpr, tau: FExpr, logDen: FExpr): FExpr => F.sub(F.div(y, tau), logDen);

/** log softmax++(y, τ, δ): all K log-entries, stable for any y and τ. */
export function logSoftmaxPlusPlus(y: tf.Tensor, tau: ScalarLike, delta = 1): tf.Tensor {
  return tf.tidy(() => {
    // m = max(max_k y_k/τ, 0) ≥ 0 also shifts the δ term: δ e^{-m} ≤ δ, never overflows. The result does not
    // depend on m (it cancels exactly), so m is computed off the tape: no backward pass for the max, whose gradient
    // is a broadcasting Equal on WASM's slow path (~1.5 ms of a 21 ms reference-VAE step; stopGradient would still
    // run it). max_k(y_k)/τ equals max_k(y_k/τ) exactly for τ > 0 (float32 division by a positive number is
    // monotone), so the full-size y/τ is not formed here.
    const m = detached((v) => tf.maximum(tf.div(tf.max(v, -1, true), tau), 0), y);
    const s = tf.sum(fuse([y, tau, m], shiftedExp), -1, true);
    const logDen = fuse([m, s, delta], logDenominator);
    return tf.concat([fuse([y, tau, logDen], headLogEntries), tf.sub(Math.log(delta), logDen)], -1);
  });
}

/** softmax++(y, τ, δ) with all K entries (the last one computed in log space, not as 1 - sum). */
export function softmaxPlusPlus(y: tf.Tensor, tau: ScalarLike, delta = 1): tf.Tensor {
  return tf.tidy(() => tf.exp(logSoftmaxPlusPlus(y, tau, delta)));
}

/** Inverse of softmax++ from log z (all K entries): y_k = τ (log z_k - log z_K + log δ). */
export function softmaxPlusPlusInverseLog(logZ: tf.Tensor, tau: ScalarLike, delta = 1): tf.Tensor {
  return tf.tidy(() => {
    const k = lastDim(logZ);
    const head = tf.slice(logZ, new Array(logZ.rank).fill(0), [...logZ.shape.slice(0, -1), k - 1]);
    const last = tf.slice(logZ, [...new Array(logZ.rank - 1).fill(0), k - 1], [...logZ.shape.slice(0, -1), 1]);
    return tf.mul(tf.add(tf.sub(head, last), Math.log(delta)), tau);
  });
}

/**
 * Inverse of softmax++ from z (all K entries). Entries that underflowed to 0 (common at τ ≤ 0.1) are floored
 * at the smallest normal float32 before the log, so the result is finite but only approximate there; when
 * the log-entries are available (IGR samples carry them), use softmaxPlusPlusInverseLog.
 */
export function softmaxPlusPlusInverse(z: tf.Tensor, tau: ScalarLike, delta = 1): tf.Tensor {
  return tf.tidy(() => softmaxPlusPlusInverseLog(safeLog(z), tau, delta));
}

/** log|det J| of softmax++ from its log-entries: -(K-1) log τ + Σ_{k≤K} log g_k (matrix determinant lemma). */
export function softmaxPlusPlusLogDetFromLog(logG: tf.Tensor, tau: ScalarLike): tf.Tensor {
  return tf.tidy(() => {
    // J = (diag(g) - g gᵀ)/τ on the first K-1 entries; det(diag(g) - g gᵀ) = Π_{k<K} g_k · (1 - Σ g_k).
    const free = lastDim(logG) - 1;
    return tf.sub(tf.sum(logG, -1), tf.mul(logScalar(tau), free));
  });
}

/** log|det ∂softmax++(y)/∂y| at y (shape [...]; docs/math.md section 1). */
export function softmaxPlusPlusLogDet(y: tf.Tensor, tau: ScalarLike, delta = 1): tf.Tensor {
  return tf.tidy(() => softmaxPlusPlusLogDetFromLog(logSoftmaxPlusPlus(y, tau, delta), tau));
}
