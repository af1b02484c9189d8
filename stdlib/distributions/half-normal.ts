/**
 * HalfNormal(scale): |y| with y ~ N(0, σ²), density √(2/π)/σ · exp(-x²/(2σ²)) on x ≥ 0, elementwise.
 * Reparameterized as σ|ε|, ε ~ N(0, 1).
 */
import type { RandomStream } from '../random.js';
import { LOG_SQRT_2PI } from '../special/normal.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { nonNegativeSupport, requirePositive } from './positive.js';

/** Named parameters of HalfNormal. */
export interface HalfNormalParams {
  /** σ > 0: the scale of the folded Normal. */
  readonly scale: TensorInput;
}

/** The HalfNormal distribution; batch shape = shape of σ, event shape []. */
export class HalfNormal extends Distribution {
  readonly signature = signatureOf('HalfNormal');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly scale: tf.Tensor;

  constructor({ scale }: HalfNormalParams) {
    super();
    this.scale = requirePositive('HalfNormal', 'scale', scale);
    this.batchShape = this.scale.shape;
  }

  /** σ|ε|: gradient x/σ to σ. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.mul(this.scale, tf.abs(rng.normal([...sampleShape, ...this.batchShape]))));
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** log 2 - ½ log(2π) - log σ - x²/(2σ²) for x ≥ 0, -Infinity for x < 0. */
  logProb(value: tf.Tensor): tf.Tensor {
    return nonNegativeSupport(value, (x) => {
      const z = tf.div(x, this.scale);
      return tf.sub(tf.sub(Math.LN2 - LOG_SQRT_2PI, tf.log(this.scale)), tf.mul(tf.square(z), 0.5));
    });
  }

  /** σ √(2/π). */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.scale, Math.sqrt(2 / Math.PI)));
  }

  /** ½ log(π/2) + ½ + log σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 0.5 * Math.log(Math.PI / 2) + 0.5));
  }
}
