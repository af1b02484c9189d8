/**
 * LogNormal(mu, sigma): x = exp(y), y ~ N(μ, σ²), elementwise; log p(x) = log N(log x | μ, σ²) - log x.
 * Float32 note: exp(y) overflows for y > 88.7, so μ near 100 gives Inf samples by necessity; densities are
 * computed from log x and stay finite for every x > 0.
 */
import type { RandomStream } from '../random.js';
import { LOG_SQRT_2PI, normalLogDensity } from '../special/normal.js';
import { tf } from '../tf.js';
import { asValue, detached } from './discrete-params.js';
import { GaussianDriven, type NormalParams } from './location-scale.js';

/** The LogNormal distribution; μ, σ are the mean and standard deviation of log x. */
export class LogNormal extends GaussianDriven {
  constructor(params: NormalParams) {
    super('LogNormal', params);
  }

  /** exp(μ + σ ε). */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.exp(this.gaussianDraw(rng, sampleShape)));
  }

  /** log N(log x | μ, σ²) - log x for x > 0; -Infinity for x ≤ 0. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      // The support mask off the tape: Greater has no gradient in tfjs, and x may be a draw on the tape (iwae).
      const positive = detached((v) => tf.greater(v, 0), x);
      // Evaluate at 1 outside the support so neither the value nor its gradient becomes NaN there.
      const logX = tf.log(tf.where(positive, x, tf.onesLike(x)));
      const inside = tf.sub(normalLogDensity(logX, this.mu, this.sigma), logX);
      return tf.where(positive, inside, tf.fill(inside.shape, -Infinity));
    });
  }

  /** exp(μ + σ²/2). */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.exp(tf.add(this.mu, tf.mul(tf.square(this.sigma), 0.5))), [...this.batchShape]));
  }

  /** μ + ½ + ½ log(2π) + log σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.add(this.mu, tf.log(this.sigma)), 0.5 + LOG_SQRT_2PI), [...this.batchShape]));
  }
}
