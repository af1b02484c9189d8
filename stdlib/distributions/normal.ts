/** Normal(mu, sigma): the Gaussian N(μ, σ²), elementwise; reparameterised as μ + σ ε, ε ~ N(0, 1). */
import type { RandomStream } from '../random.js';
import { LOG_SQRT_2PI, normalLogDensity } from '../special/normal.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asValue, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { locationScale } from './location-scale.js';

/** Named parameters of Normal. */
export interface NormalParams {
  readonly mu: TensorInput;
  readonly sigma: TensorInput;
}

/** The Normal distribution; batch shape = broadcast of μ and σ, event shape []. */
export class Normal extends Distribution {
  readonly signature = signatureOf('Normal');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Mean μ. */
  readonly mu: tf.Tensor;
  /** Standard deviation σ > 0. */
  readonly sigma: tf.Tensor;

  constructor({ mu, sigma }: NormalParams) {
    super();
    const p = locationScale('Normal', mu, sigma);
    this.mu = p.mu;
    this.sigma = p.sigma;
    this.batchShape = p.shape;
  }

  /** A draw with no gradient: [...sampleShape, ...batchShape]. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** μ + σ ε: gradients flow to μ and σ. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.add(this.mu, tf.mul(this.sigma, rng.normal([...sampleShape, ...this.batchShape]))));
  }

  /** log N(x | μ, σ²), elementwise. */
  logProb(value: tf.Tensor): tf.Tensor {
    return normalLogDensity(asValue(value), this.mu, this.sigma);
  }

  /** μ, broadcast to the batch shape. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.mu, [...this.batchShape]));
  }

  /** ½ + ½ log(2π) + log σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(this.sigma), 0.5 + LOG_SQRT_2PI), [...this.batchShape]));
  }
}
