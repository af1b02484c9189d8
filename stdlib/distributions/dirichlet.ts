/**
 * Dirichlet(concentration): density Γ(α₀)/Π Γ(α_k) · Π x_k^{α_k - 1} on the simplex, over the last axis
 * (α₀ = Σ α_k). Reparameterized as the normalised Gammas x = softmax(log G), G_k ~ Gamma(α_k, 1), in log space:
 * with small concentrations every G_k can underflow, but softmax of their logs is still a point of the simplex.
 * Gradients to α are the implicit Gamma gradients (Figurnov, Mohamed, Mnih 2018, arXiv:1805.08498, section 3).
 */
import type { RandomStream } from '../random.js';
import { digamma, lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asValue, MIN_PROB, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { logStandardGamma } from './gamma-sampler.js';
import { requirePositive } from './positive.js';

/** Named parameters of Dirichlet. */
export interface DirichletParams {
  /** α > 0, shape [..., K]. */
  readonly concentration: TensorInput;
}

/** The Dirichlet distribution; batch shape = α's shape without the last axis, event shape [K]. */
export class Dirichlet extends Distribution {
  readonly signature = signatureOf('Dirichlet');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly concentration: tf.Tensor;

  constructor({ concentration }: DirichletParams) {
    super();
    this.concentration = requirePositive('Dirichlet', 'concentration', concentration);
    if (this.concentration.rank < 1) throw new RangeError('Dirichlet: concentration needs a category axis (rank ≥ 1)');
    this.batchShape = this.concentration.shape.slice(0, -1);
    this.eventShape = this.concentration.shape.slice(-1);
  }

  /** softmax(log G) over the last axis, G_k ~ Gamma(α_k, 1); entries clamped below at 1.2e-38. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const logG = logStandardGamma(rng, this.concentration, sampleShape, this.concentration.shape);
      return tf.maximum(tf.softmax(logG, -1), MIN_PROB);
    });
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /**
   * Σ (α_k - 1) log x_k + log Γ(α₀) - Σ log Γ(α_k), summed over the last axis. Entries are clamped at 1.2e-38
   * before the log; that x lies on the simplex is not checked (the compiler's support facts cover data).
   */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const logX = tf.log(tf.maximum(asValue(value), MIN_PROB));
      const norm = tf.sub(lgamma(tf.sum(a, -1)), tf.sum(lgamma(a), -1));
      return tf.add(tf.sum(tf.mul(tf.sub(a, 1), logX), -1), norm);
    });
  }

  /** α / α₀. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration, tf.sum(this.concentration, -1, true)));
  }

  /** log B(α) + (α₀ - K) ψ(α₀) - Σ (α_k - 1) ψ(α_k). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const a0 = tf.sum(a, -1);
      const k = a.shape[a.rank - 1];
      const logB = tf.sub(tf.sum(lgamma(a), -1), lgamma(a0));
      return tf.sub(tf.add(logB, tf.mul(tf.sub(a0, k), digamma(a0))), tf.sum(tf.mul(tf.sub(a, 1), digamma(a)), -1));
    });
  }
}
