/**
 * Gamma(concentration, rate): density β^α x^{α-1} e^{-βx} / Γ(α) on x > 0, elementwise (torch.distributions
 * names: concentration α, rate β; mean α/β). Reparameterized: z = G/β with G ~ Gamma(α, 1) drawn in log space
 * (gamma-sampler.ts); the gradient to β is the ordinary pathwise one, the gradient to α is implicit
 * (Figurnov, Mohamed, Mnih 2018, arXiv:1805.08498).
 */
import type { RandomStream } from '../random.js';
import { digamma, lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { broadcastShapes, MIN_PROB, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { positiveSupport, requirePositive } from './positive.js';
import { logStandardGamma } from './gamma-sampler.js';

/** Named parameters of Gamma. */
export interface GammaParams {
  /** α > 0 (shape). */
  readonly concentration: TensorInput;
  /** β > 0 (inverse scale). */
  readonly rate: TensorInput;
}

/** The Gamma distribution; batch shape = broadcast of α and β, event shape []. */
export class Gamma extends Distribution {
  readonly signature = signatureOf('Gamma');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly concentration: tf.Tensor;
  readonly rate: tf.Tensor;

  constructor({ concentration, rate }: GammaParams) {
    super();
    this.concentration = requirePositive('Gamma', 'concentration', concentration);
    this.rate = requirePositive('Gamma', 'rate', rate);
    this.batchShape = broadcastShapes(this.concentration.shape, this.rate.shape);
  }

  /** exp(log G - log β), G ~ Gamma(α, 1); clamped below at float32's smallest normal number (as torch does). */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const logG = logStandardGamma(rng, this.concentration, sampleShape, this.batchShape);
      // Subtracting log β before exp keeps draws representable whenever G/β is (G alone may not be).
      return tf.maximum(tf.exp(tf.sub(logG, tf.log(this.rate))), MIN_PROB);
    });
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** α log β + (α - 1) log x - βx - log Γ(α) for x > 0, -Infinity otherwise. */
  logProb(value: tf.Tensor): tf.Tensor {
    const a = this.concentration;
    const b = this.rate;
    return positiveSupport(value, (x, logX) =>
      tf.sub(tf.add(tf.mul(a, tf.log(b)), tf.sub(tf.mul(tf.sub(a, 1), logX), tf.mul(b, x))), lgamma(a)),
    );
  }

  /** α/β. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.div(this.concentration, this.rate), [...this.batchShape]));
  }

  /** α - log β + log Γ(α) + (1 - α) ψ(α). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const h = tf.add(tf.sub(a, tf.log(this.rate)), tf.add(lgamma(a), tf.mul(tf.sub(1, a), digamma(a))));
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }
}
