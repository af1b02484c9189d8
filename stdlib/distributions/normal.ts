/** Normal(mu, sigma): the Gaussian N(μ, σ²), elementwise; reparameterised as μ + σ ε, ε ~ N(0, 1). */
import type { RandomStream } from '../random.js';
import { LOG_SQRT_2PI, normalLogDensity } from '../special/normal.js';
import { tf } from '../tf.js';
import { asValue } from './discrete-params.js';
import { GaussianDriven, type NormalParams } from './location-scale.js';

export type { NormalParams } from './location-scale.js';

/** The Normal distribution; batch shape = broadcast of μ and σ, event shape []. */
export class Normal extends GaussianDriven {
  constructor(params: NormalParams) {
    super('Normal', params);
  }

  /** μ + σ ε: gradients flow to μ and σ. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => this.gaussianDraw(rng, sampleShape));
  }

  /** log N(x | μ, σ²), elementwise. */
  logProb(value: tf.Tensor): tf.Tensor {
    return normalLogDensity(asValue(value), this.mu, this.sigma);
  }

  /** μ, broadcast to the batch shape. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.mu, [...this.batchShape]));
  }

  /** σ², broadcast to the batch shape (MixtureSameFamily's variance reads it). */
  variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.sigma), [...this.batchShape]));
  }

  /** ½ + ½ log(2π) + log σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(this.sigma), 0.5 + LOG_SQRT_2PI), [...this.batchShape]));
  }
}
