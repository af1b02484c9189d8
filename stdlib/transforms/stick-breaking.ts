/**
 * Stick-breaking SB: (0,1)^{K-1} → simplex (IGR paper eq. (16), v1 eq. (22); docs/math.md section 2):
 *   v_k = u_k Π_{i<k} (1 - u_i), k < K;   remainder v_K = Π_i (1 - u_i) = 1 - Σ v_k.
 * Computed in log space, log v_k = log u_k + Σ_{i<k} log(1 - u_i) (an exclusive cumulative sum), so long
 * sticks never underflow to a product of many small factors before the log.
 * u has shape [..., K-1]; stickBreaking returns all K entries.
 */
import { tf } from '../tf.js';
import { lastDim } from './transform-utils.js';
import { logOneMinusSigmoid, logSigmoid } from './sigmoid.js';

/** log SB from log u and log(1 - u) (shape [..., K-1] each): all K log-entries, the remainder last. */
export function logStickBreakingFromLogs(logU: tf.Tensor, log1mU: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axis = logU.rank - 1;
    const before = tf.cumsum(log1mU, axis, true);
    const remainder = tf.sum(log1mU, -1, true);
    return tf.concat([tf.add(logU, before), remainder], -1);
  });
}

/** log SB(sigmoid(y)) (all K log-entries), finite for |y| up to float32 range. */
export function logStickBreakingFromLogits(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => logStickBreakingFromLogs(logSigmoid(y), logOneMinusSigmoid(y)));
}

/** SB(u): all K entries, v_1..v_{K-1} then the remainder Π (1 - u_i). */
export function stickBreaking(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.exp(logStickBreakingFromLogs(tf.log(u), tf.log1p(tf.neg(u)))));
}

/**
 * SB⁻¹ from all K entries v (remainder last): u_k = v_k / Σ_{i≥k} v_i. The stick left before step k is the
 * reverse cumulative sum of the entries (remainder included) rather than 1 - Σ_{i<k} v_i, which cancels
 * catastrophically when the first sticks take almost everything.
 */
export function stickBreakingInverse(v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const k = lastDim(v);
    const left = tf.cumsum(v, v.rank - 1, false, true);
    const head = (t: tf.Tensor): tf.Tensor => tf.slice(t, new Array(t.rank).fill(0), [...t.shape.slice(0, -1), k - 1]);
    return tf.div(head(v), head(left));
  });
}

/** log|det ∂v/∂u| from log(1 - u) (shape [..., K-1]): Σ_k Σ_{i<k} log(1 - u_i) = Σ_i (K-1-i) log(1 - u_i). */
export function stickBreakingLogDetFromLog1mU(log1mU: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // ∂v/∂u is lower triangular with diagonal ∂v_k/∂u_k = Π_{i<k} (1 - u_i).
    const d = lastDim(log1mU);
    const counts = tf.range(d - 1, -1, -1, 'float32');
    return tf.sum(tf.mul(log1mU, counts), -1);
  });
}

/** log|det ∂SB(u)_{1..K-1}/∂u| at u (shape [...]). */
export function stickBreakingLogDet(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => stickBreakingLogDetFromLog1mU(tf.log1p(tf.neg(u))));
}
