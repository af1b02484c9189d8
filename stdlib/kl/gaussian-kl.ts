/**
 * KL divergence between diagonal Gaussians (standard; the IGR KL of eq. (13), v1 eq. (19), reduces to it):
 *   KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) = ½ Σ [σ²/σ₀² - 1 + (μ - μ₀)²/σ₀² + 2 log σ₀ - 2 log σ].
 * Written with r = σ/σ₀ as ½[r² - 1 - 2 log r + ((μ - μ₀)/σ₀)²]: one ratio instead of four logs and squares of
 * possibly very different magnitudes. All arguments broadcast.
 */
import { asTensor, type TensorInput } from '../distributions/discrete-params.js';
import { tf } from '../tf.js';

/** Elementwise KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) (no reduction): shape = broadcast of the arguments. */
export function gaussianKlElementwise(mu: TensorInput, sigma: TensorInput, mu0: TensorInput, sigma0: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const s0 = asTensor(sigma0);
    const r = tf.div(asTensor(sigma), s0);
    const d = tf.div(tf.sub(asTensor(mu), asTensor(mu0)), s0);
    return tf.mul(tf.sub(tf.add(tf.square(r), tf.square(d)), tf.add(tf.mul(tf.log(r), 2), 1)), 0.5);
  });
}

/**
 * KL between diagonal Gaussians SUMMED over the last axis (the event axis of an IGR's K-1 coordinates):
 * shape = broadcast of the arguments without the last axis. Use gaussianKlElementwise for no reduction.
 */
export function gaussianKl(mu: TensorInput, sigma: TensorInput, mu0: TensorInput, sigma0: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.sum(gaussianKlElementwise(mu, sigma, mu0, sigma0), -1));
}
