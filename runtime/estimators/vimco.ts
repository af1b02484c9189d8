/**
 * VIMCO: the multi-sample score-function estimator for `maximize iwae(samples = k)` with discrete latents
 * (Mnih, Rezende, *Variational Inference for Monte Carlo Objectives*, arXiv:1602.06725; docs/math.md section 11).
 *
 * With K draws h^1..h^K ~ q(h | x) per data point and log weights w_k = log p(x, h^k) − log q(h^k | x), the bound is
 *   L̂ = log (1/K) Σ_k exp(w_k).
 * Its gradient with respect to the guide and model parameters is (paper section 3, the two-term decomposition)
 *   ∇L̂ = Σ_k L̂ ∇ log q(h^k | x) + Σ_k w̃_k ∇ w_k,   w̃_k = exp(w_k) / Σ_j exp(w_j),
 * where the first term is the score-function part (h held fixed, discrete) and the second the gradient through the
 * weights themselves. The first term's learning signal L̂ is shared by all K draws; VIMCO replaces it by the
 * per-sample signal (paper section 3.2, "local learning signals")
 *   L̂(h^k | h^{−k}) = L̂ − log (1/K) (Σ_{j≠k} exp(w_j) + exp(ŵ_{−k})),   ŵ_{−k} = (1/(K−1)) Σ_{j≠k} w_j,
 * i.e. L̂ minus the bound recomputed with draw k replaced by the geometric mean of the others (the paper's
 * geometric-mean substitute; its arithmetic-mean variant is not offered). The subtracted term does not depend on
 * h^k, and the draws are independent, so E[baseline_k ∇ log q(h^k)] = 0: the estimator stays unbiased for any K ≥ 2.
 */
import { tf } from '../../stdlib/tf.js';
import { stopGradient } from '../ops/stop-gradient.js';

/**
 * The leave-one-out bounds log (1/K)(Σ_{j≠k} exp(w_j) + exp(ŵ_{−k})) for every k, [K, B] from log weights [K, B].
 * Computed in log space (a logsumexp over the K weights with the k-th replaced), so weights of −1000 nats, as a
 * binarized-MNIST SBN has at initialisation, neither underflow nor overflow.
 */
export function vimcoLeaveOneOutBounds(logWeights: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const k = logWeights.shape[0];
    if (k < 2) throw new Error(`VIMCO needs at least 2 samples per data point, got ${k}`);
    // ŵ_{−k}: the mean of the other K − 1 log weights (log of their geometric mean).
    const others = tf.div(tf.sub(tf.sum(logWeights, 0, true), logWeights), k - 1); // [K, B]
    // Row k of the [K, K, B] stack is w with entry k replaced by ŵ_{−k}: eye selects the diagonal.
    const eye = tf.reshape(tf.eye(k), [k, k, ...logWeights.shape.slice(1).map(() => 1)]);
    const tiled = tf.add(tf.mul(tf.sub(1, eye), tf.expandDims(logWeights, 0)), tf.mul(eye, tf.expandDims(others, 1)));
    return tf.sub(tf.logSumExp(tiled, 1), Math.log(k));
  });
}

/** The K-sample bound L̂ = log (1/K) Σ_k exp(w_k) per data point, [B] from [K, B] (differentiable). */
export function iwaeBound(logWeights: tf.Tensor): tf.Tensor {
  return tf.sub(tf.logSumExp(logWeights, 0), Math.log(logWeights.shape[0]));
}

/**
 * The score part of VIMCO as a loss: −mean_B Σ_k stop(L̂ − L̂(h^{−k})) log q(h^k | x), with log weights and log q
 * [K, B]. Several score-function latents of one model each add their own term with their own log q: the signal
 * of draw k is shared, so the terms add up to the signal times the summed log q. The bound's own gradient (the
 * Σ_k w̃_k ∇w_k part) comes from −mean(L̂), which the `iwae` objective already minimises.
 */
export function vimcoScoreTerm(logWeights: tf.Tensor, logq: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const signal = stopGradient(tf.sub(tf.expandDims(iwaeBound(logWeights), 0), vimcoLeaveOneOutBounds(logWeights))); // [K, B]
    return tf.neg(tf.mean(tf.sum(tf.mul(signal, logq), 0))) as tf.Scalar;
  });
}

/** What `vimcoSurrogate` returns: the loss to minimise and the bound per data point (for reporting). */
export interface VimcoTerms {
  /** −mean_B [L̂ + Σ_k stop(L̂ − L̂(h^{−k})) log q(h^k | x)]; its gradient is minus the VIMCO estimate. */
  readonly loss: tf.Scalar;
  /** L̂ per data point, [B]. */
  readonly bound: tf.Tensor;
}

/**
 * The whole VIMCO surrogate: −mean(L̂) plus `vimcoScoreTerm`. `logWeights` [K, B] must be differentiable in the
 * model and guide parameters with the discrete draws held fixed (log p(x, h^k) − log q(h^k | x)); `logq` [K, B] is
 * log q(h^k | x) of the draws scored by VIMCO. The gradient of `loss` is
 * −(Σ_k (L̂ − L̂(h^{−k})) ∇ log q(h^k) + Σ_k w̃_k ∇ w_k), averaged over the batch.
 */
export function vimcoSurrogate(logWeights: tf.Tensor, logq: tf.Tensor): VimcoTerms {
  return tf.tidy(() => {
    const bound = iwaeBound(logWeights); // [B]
    return { loss: tf.add(tf.neg(tf.mean(bound)), vimcoScoreTerm(logWeights, logq)) as tf.Scalar, bound };
  });
}
