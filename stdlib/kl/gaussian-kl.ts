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
import { F, fuse, type FExpr } from '../fusion/index.js';
import { tf } from '../tf.js';
import type { KlCompute } from './kl-compute.js';

/** The elementwise KL as one fused program (stdlib/fusion): the same ops in the same order as written out. */
function gaussianKlTerm(mu: FExpr, sigma: FExpr, mu0: FExpr, sigma0: FExpr): FExpr {
  const twoL = F.mul(F.sub(F.log(sigma), F.log(sigma0)), 2);
  const d = F.div(F.sub(mu, mu0), sigma0);
  return F.mul(F.add(F.sub(F.expm1(twoL), twoL), F.square(d)), 0.5);
}

/** Elementwise KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) (no reduction): shape = broadcast of the arguments. */
export function gaussianKlElementwise(mu: TensorInput, sigma: TensorInput, mu0: TensorInput, sigma0: TensorInput): tf.Tensor {
  // One SgmFused kernel forward and one backward instead of 11 and ~20 kernels (bench/NOTES.md change 11).
  return tf.tidy(() => fuse([asTensor(mu), asTensor(sigma), asTensor(mu0), asTensor(sigma0)], gaussianKlTerm));
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
