/**
 * The logistic sigmoid as a transform R → (0, 1) with its inverse (logit) and log-Jacobian, used before
 * stick-breaking in IGR-SB (IGR paper eq. (17)-(18); docs/math.md section 2). Log-Jacobians are written with
 * softplus so that they stay finite at |y| = 100 where sigmoid(y) rounds to 0 or 1 in float32.
 */
import { tf } from '../tf.js';

/** sigmoid(y), elementwise. */
export function sigmoidTransform(y: tf.Tensor): tf.Tensor {
  return tf.sigmoid(y);
}

/** log sigmoid(y) = -softplus(-y), elementwise. */
export function logSigmoid(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(y))));
}

/** log(1 - sigmoid(y)) = -softplus(y), elementwise. */
export function logOneMinusSigmoid(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(y)));
}

/** logit(u) = log u - log(1 - u): the inverse of the sigmoid. */
export function logit(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.log(u), tf.log1p(tf.neg(u))));
}

/** log|det| of the elementwise sigmoid, summed over the last axis: Σ [log u + log(1 - u)], u = sigmoid(y). */
export function sigmoidLogDet(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.add(tf.softplus(y), tf.softplus(tf.neg(y))), -1)));
}
