/**
 * KL(Exponential(λ) ‖ Exponential(λ₀)) in closed form (rule 'exponential-exponential'), elementwise (standard):
 * λ₀/λ - 1 - log(λ₀/λ), written as expm1(ℓ) - ℓ with ℓ = log λ₀ - log λ, so nearly equal rates give an accurate
 * O(ℓ²) result instead of a difference of O(1) float32 numbers.
 */
import type { Distribution } from '../distributions/distribution.js';
import { Exponential } from '../distributions/exponential.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

function asExponential(d: Distribution): Exponential {
  if (d instanceof Exponential) return d;
  throw new TypeError(`Exponential KL: expected Exponential, got ${d.name}`);
}

export const klExponentialExponential: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    const l = tf.sub(tf.log(asExponential(pd).rate), tf.log(asExponential(qd).rate));
    return tf.sub(tf.expm1(l), l);
  });
