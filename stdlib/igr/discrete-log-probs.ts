/**
 * Proposition 2 of the IGR paper (Potapczynski, Loaiza-Ganem, Cunningham, "Invertible Gaussian
 * Reparameterization: Revisiting the Gumbel-Softmax", arXiv:1912.09588, section 3.3, eq. 21) as DIFFERENTIABLE
 * tfjs ops, for RELAX over IGR (runtime/estimators/relax-igr.ts) and the KL of its discrete draw
 * (stdlib/kl/igr-discrete-categorical.ts): with y ~ N(μ, diag σ²) in R^{K-1} and H the category of
 * h(y) = lim_{τ→0} softmax++(y/τ),
 *
 *   P(H = k) = ∫₀^∞ (1/σ_k) φ((t − μ_k)/σ_k) Π_{j≠k} Φ((t − μ_j)/σ_j) dt,  k < K;   P(H = K) = Π_j Φ(−μ_j/σ_j).
 *
 * As the paper's appendix B, the one-dimensional integrals are computed by Gauss quadrature and differentiated
 * through. With t = μ_k + σ_k s the integrand is exp ℓ_k(s), ℓ_k(s) = log φ(s) + Σ_{j≠k} log Φ(c_j + r_j s),
 * r_j = σ_k/σ_j, c_j = (μ_k − μ_j)/σ_j, on s > s₀ = −μ_k/σ_k. Since log φ(s) ≤ −s²/2 and log Φ ≤ 0, the window
 * [max(s₀, −W), max(W, s₀ + W)] with W = 10 holds all but e^{−50} of the φ factor's mass wherever the product puts
 * it; an n-point Gauss-Legendre rule (n = 64) integrates it, in log space (logsumexp over the nodes). The lower
 * limit s₀ depends on (μ, σ) and enters the nodes, so its Leibniz term is part of the gradient; the other ends are
 * constants (their terms are below e^{−50}). Accuracy: test/estimators/relax-igr.test.ts compares with the float64
 * adaptive Gauss-Kronrod of stdlib/igr/discrete-recovery.ts. Factors much steeper than the node spacing (σ_k/σ_j
 * above ~30) lose accuracy; the paper bounds μ and σ for the same reason (appendix B, eq. 37).
 */
import { normalLogCdf, normalLogPdf } from '../special/normal.js';
import { gaussLegendre } from '../special/quadrature.js';
import { detached } from '../stop-gradient.js';
import { tf } from '../tf.js';

/** Half-width of the integration window in standard units of the category's own Gaussian. */
const WINDOW = 10;
/** Gauss-Legendre nodes per integral. */
export const IGR_QUADRATURE_NODES = 64;

/**
 * log P(H = k), k = 1..K, for Gaussian parameters μ, σ of shape [..., K−1]: [..., K], differentiable in μ and σ.
 */
export function igrLogProbs(mu: tf.Tensor, sigma: tf.Tensor, n = IGR_QUADRATURE_NODES): tf.Tensor {
  return tf.tidy(() => {
    const D = mu.shape[mu.rank - 1];
    const rule = gaussLegendre(n);
    const x = tf.tensor1d(Float32Array.from(rule.nodes)); // [n] on [−1, 1]
    const logW = tf.tensor1d(Float32Array.from(rule.weights, Math.log)); // [n]
    const s0 = tf.neg(tf.div(mu, sigma)); // [..., D], lower limit of category k
    // Window ends: a = max(s₀, −W) (differentiable where s₀ is the end), b = max(W, s₀ + W) (a constant).
    const a = tf.maximum(s0, -WINDOW);
    const b = detached((s) => tf.maximum(tf.add(s, WINDOW), WINDOW), s0);
    const half = tf.div(tf.sub(b, a), 2);
    const mid = tf.div(tf.add(b, a), 2);
    // Nodes s_i = mid + half·x_i: [..., D(k), n].
    const s = tf.add(tf.expandDims(mid, -1), tf.mul(tf.expandDims(half, -1), x));
    // t = μ_k + σ_k s, then (t − μ_j)/σ_j for every j: [..., D(k), n, D(j)].
    const t = tf.add(tf.expandDims(mu, -1), tf.mul(tf.expandDims(sigma, -1), s));
    const u = tf.div(tf.sub(tf.expandDims(t, -1), expandTwice(mu)), expandTwice(sigma));
    // Σ_{j≠k} log Φ(u_j): sum over all j, minus the j = k term (u_k = s, masked out rather than subtracted so that
    // a −∞-like log Φ(s) cannot cancel badly).
    const notSelf = tf.sub(1, tf.reshape(tf.eye(D), [...Array.from({ length: mu.rank - 1 }, () => 1), D, 1, D]));
    const logPhiProduct = tf.sum(tf.mul(normalLogCdf(u), notSelf), -1); // [..., D, n]
    const integrand = tf.add(normalLogPdf(s), logPhiProduct);
    // log ∫ ≈ log half + logsumexp_i(log w_i + ℓ(s_i)).
    const logInt = tf.add(tf.log(half), tf.logSumExp(tf.add(integrand, logW), -1)); // [..., D]
    const last = tf.sum(normalLogCdf(s0), -1, true); // log Π_j Φ(−μ_j/σ_j)
    return tf.concat([logInt, last], -1);
  });
}

/** [..., D] → [..., 1, 1, D]: the j axis of the [..., k, node, j] layout. */
function expandTwice(v: tf.Tensor): tf.Tensor {
  return tf.expandDims(tf.expandDims(v, -2), -2);
}

/**
 * Where the log α(μ, σ) of an IGR_I distribution object is already computed this step (RELAX over IGR computes it
 * once per step for its draw and its score: runtime/estimators/relax-igr.ts); the discrete KL reads it from here
 * instead of repeating the quadrature (stdlib/kl/igr-discrete-categorical.ts).
 */
const sources = new WeakMap<object, () => tf.Tensor>();

/** Registers the step's log α of `dist` (a function: made when first asked). */
export function shareDiscreteLogProbs(dist: object, logProbs: () => tf.Tensor): void {
  sources.set(dist, logProbs);
}

/** The registered log α of `dist`, if any. */
export function sharedDiscreteLogProbs(dist: object): tf.Tensor | undefined {
  return sources.get(dist)?.();
}
