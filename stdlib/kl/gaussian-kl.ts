/**
 * KL divergence between diagonal Gaussians (standard; the IGR KL of eq. (13), v1 eq. (19), reduces to it):
 *   KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) = ½ Σ [σ²/σ₀² - 1 + (μ - μ₀)²/σ₀² + 2 log σ₀ - 2 log σ].
 * Written with ℓ = log σ - log σ₀ and d = (μ - μ₀)/σ₀ as ½[(expm1(2ℓ) - 2ℓ) + d²]: the bracket is ≈ 2ℓ² for
 * nearly equal scales, and expm1 keeps it accurate there, where σ²/σ₀² - 1 - 2 log(σ/σ₀) would be a difference of
 * O(1) float32 numbers; d² is added last so a tiny mean shift is not rounded away against 1. All arguments broadcast.
 */
import type { Distribution } from '../distributions/distribution.js';
import { asTensor, type TensorInput } from '../distributions/discrete-params.js';
import type { GaussianDriven } from '../distributions/location-scale.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

/** Elementwise KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) (no reduction): shape = broadcast of the arguments. */
export function gaussianKlElementwise(mu: TensorInput, sigma: TensorInput, mu0: TensorInput, sigma0: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const s0 = asTensor(sigma0);
    const twoL = tf.mul(tf.sub(tf.log(asTensor(sigma)), tf.log(s0)), 2);
    const d = tf.div(tf.sub(asTensor(mu), asTensor(mu0)), s0);
    return tf.mul(tf.add(tf.sub(tf.expm1(twoL), twoL), tf.square(d)), 0.5);
  });
}

/**
 * KL between diagonal Gaussians SUMMED over the last axis (the event axis of an IGR's K-1 coordinates):
 * shape = broadcast of the arguments without the last axis. Use gaussianKlElementwise for no reduction.
 */
export function gaussianKl(mu: TensorInput, sigma: TensorInput, mu0: TensorInput, sigma0: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.sum(gaussianKlElementwise(mu, sigma, mu0, sigma0), -1));
}

/**
 * The closed-form KL of a pair of Gaussian-driven elementwise distributions of one class (Normal-Normal;
 * LogNormal-LogNormal, where exp is the same bijection on both sides): the elementwise Gaussian KL of (μ, σ).
 */
export function gaussianDrivenPairKl(family: abstract new (...args: never[]) => GaussianDriven): KlCompute {
  const cast = (d: Distribution): GaussianDriven => {
    if (d instanceof family) return d;
    throw new TypeError(`${family.name} KL: expected ${family.name}, got ${d.name}`);
  };
  return (qd, pd) => {
    const q = cast(qd);
    const p = cast(pd);
    return gaussianKlElementwise(q.mu, q.sigma, p.mu, p.sigma);
  };
}
