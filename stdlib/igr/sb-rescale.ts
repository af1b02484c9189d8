/**
 * The Gaussian pre-image under one IGR_SB of a point drawn by another (issue 13 item 4). Both map sticks to the
 * simplex by softmax++(w/τ, δ) (IGR paper, Potapczynski, Loaiza-Ganem, Cunningham, arXiv:1912.09588, eq. (16)-(18)),
 * so a draw z of q (τq, δq, sticks w) has, under p (τp, δp), the sticks
 *   w'_k = r w_k + c,   r = τp/τq,   c = τp log(δp/δq).
 * Recovering w' from log z in float32 loses every stick below ~1e-7·|log z| to cancellation (and the remainder
 * 1 - Σ w' with it): the prior's density came out 10⁴ nats off at μ = ±8. From q's Gaussian y it is exact: with
 * u = sigmoid(y) and rest_k = Π_{j<k} (1 - u_j) (log-space sums, no cancellation),
 *   w_k = u_k rest_k,   1 - Σ_{j≤k} w'_j = a_{k+1} + r rest_{k+1},   a_k = 1 - r - (k-1) c,
 *   y'_k = logit(u'_k) = log w'_k - log(1 - Σ_{j≤k} w'_j),
 * every term a sum of non-negative numbers. a_k ≥ 0 for k ≤ K iff r + (K-1) c ≤ 1 with c ≥ 0: exactly when q's
 * draws stay in p's support (stdlib/kl/support.ts); otherwise this returns undefined.
 */
import { tf } from '../tf.js';
import { logOneMinusSigmoid, logSigmoid } from '../transforms/sigmoid.js';

/**
 * y' [..., K-1], the pre-image under p = IGR_SB(τp, δp) of the draw of q = IGR_SB(τq, δq) with Gaussian y
 * [..., K-1]; undefined when q's draws can leave p's support (δp < δq, or r + (K-1) c > 1 for the given τ).
 * τ are scalar tensors (schedules); reading them is one small sync per call.
 */
export function sbLatentUnder(y: tf.Tensor, tauQ: tf.Tensor, deltaQ: number, tauP: tf.Tensor, deltaP: number): tf.Tensor | undefined {
  if (deltaP < deltaQ) return undefined;
  const n = y.shape[y.rank - 1];
  const tq = tauQ.dataSync()[0];
  const tp = tauP.dataSync()[0];
  if (tp === tq && deltaP === deltaQ) return tf.clone(y);
  const r = tp / tq;
  const c = tp * Math.log(deltaP / deltaQ);
  if (r + n * c > 1 + 1e-6) return undefined;
  return tf.tidy(() => {
    const axis = y.rank - 1;
    const logU = logSigmoid(y);
    const log1mU = logOneMinusSigmoid(y);
    const logRestBefore = tf.cumsum(log1mU, axis, true); // log rest_k = Σ_{j<k} log(1 - u_j)
    const logRestAfter = tf.cumsum(log1mU, axis); // log rest_{k+1}
    // log w'_k = log(r w_k + c), w_k = u_k rest_k.
    const logRW = tf.add(tf.add(logU, logRestBefore), Math.log(r));
    const logW2 = c > 0 ? tf.log(tf.add(tf.exp(logRW), c)) : logRW;
    // log(1 - Σ_{j≤k} w'_j) = log(a_{k+1} + r rest_{k+1}); a_{k+1} = 1 - r - k c for k = 1..n, clamped at 0 against
    // float rounding (a ≥ 0 inside the support). Where a = 0 the sum is r rest exactly, kept in log space.
    const a = Array.from({ length: n }, (_, i) => Math.max(0, 1 - r - (i + 1) * c));
    const logRRest = tf.add(logRestAfter, Math.log(r));
    const positive = tf.tensor1d(a.map((v) => (v > 0 ? 1 : 0)), 'bool');
    // The unselected branch gets a = 1 so that its log (and gradient) stays finite (tf.where back-propagates 0·∞).
    const aSafe = tf.tensor1d(a.map((v) => (v > 0 ? v : 1)));
    const logRemain = tf.where(tf.broadcastTo(positive, logRRest.shape), tf.log(tf.add(aSafe, tf.exp(logRRest))), logRRest);
    return tf.sub(logW2, logRemain);
  });
}
