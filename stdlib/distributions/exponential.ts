/**
 * Exponential(rate): density λ e^{-λx} on x ≥ 0, elementwise. Reparameterized by inversion: x = -log(u)/λ with
 * u uniform strictly inside (0, 1) (RandomStream.openUniform), so x is finite (at most 46/λ) and never negative.
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { nonNegativeSupport, requirePositive } from './positive.js';

/** Named parameters of Exponential. */
export interface ExponentialParams {
  /** λ > 0. */
  readonly rate: TensorInput;
}

/** The Exponential distribution; batch shape = shape of λ, event shape []. */
export class Exponential extends Distribution {
  readonly signature = signatureOf('Exponential');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly rate: tf.Tensor;

  constructor({ rate }: ExponentialParams) {
    super();
    this.rate = requirePositive('Exponential', 'rate', rate);
    this.batchShape = this.rate.shape;
  }

  /** -log(u)/λ: gradient -x/λ to λ. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.div(tf.neg(tf.log(rng.openUniform([...sampleShape, ...this.batchShape]))), this.rate));
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** log λ - λx for x ≥ 0, -Infinity for x < 0. */
  logProb(value: tf.Tensor): tf.Tensor {
    return nonNegativeSupport(value, (x) => tf.sub(tf.log(this.rate), tf.mul(this.rate, x)));
  }

  /** 1/λ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.reciprocal(this.rate));
  }

  /** 1 - log λ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(1, tf.log(this.rate)));
  }
}
