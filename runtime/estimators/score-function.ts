/**
 * The score-function (REINFORCE) estimator (Williams 1992) as a surrogate term added to the loss: its gradient
 * is (f − b) ∇ log q(z), an unbiased estimate of the gradient the sample's distribution contributes. The
 * learning signal f is the loss to minimise, per data point when the objective decomposes over the batch, else
 * the scalar loss; the baseline b reduces variance without bias.
 */
import { tf } from '../../stdlib/tf.js';
import { stopGradient } from '../ops/stop-gradient.js';

/**
 * mean((signal − baseline) ⊙ logProb) with the signal and baseline held constant. `logProb` and `signal`
 * have the same shape (per data point [B], or [] for a scalar signal) or broadcast together.
 */
export function scoreFunctionTerm(logProb: tf.Tensor, signal: tf.Tensor, baseline: tf.Tensor | number): tf.Scalar {
  const advantage = stopGradient(tf.sub(signal, baseline));
  return tf.mean(tf.mul(advantage, logProb)) as tf.Scalar;
}
