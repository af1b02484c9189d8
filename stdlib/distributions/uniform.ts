/** Uniform(low, high): the continuous uniform on [low, high), elementwise; reparameterised as low + (high - low) u. */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, broadcastShapes, detached, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';

/** Named parameters of Uniform. */
export interface UniformParams {
  readonly low: TensorInput;
  readonly high: TensorInput;
}

/** The Uniform distribution; batch shape = broadcast of low and high, event shape []. */
export class Uniform extends Distribution {
  readonly signature = signatureOf('Uniform');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Lower bound (included). */
  readonly low: tf.Tensor;
  /** Upper bound (excluded), > low. */
  readonly high: tf.Tensor;

  constructor({ low, high }: UniformParams) {
    super();
    if (low === undefined || high === undefined) throw new TypeError("Uniform needs 'low' and 'high'");
    if (typeof low === 'number' && typeof high === 'number' && !(high > low)) {
      throw new RangeError(`Uniform: high must be > low, got low = ${low}, high = ${high}`);
    }
    this.low = asTensor(low);
    this.high = asTensor(high);
    this.batchShape = broadcastShapes(this.low.shape, this.high.shape);
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** low + (high - low) u, u ~ U[0, 1): gradients flow to both bounds. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = rng.uniform([...sampleShape, ...this.batchShape]);
      return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
    });
  }

  /** -log(high - low) on [low, high), -Infinity outside. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      // The support mask off the tape: comparisons have no gradient in tfjs, and x may be a draw on the tape.
      const inside = detached((v, lo, hi) => tf.logicalAnd(tf.greaterEqual(v, lo), tf.less(v, hi)), x, this.low, this.high);
      const density = tf.broadcastTo(tf.neg(tf.log(tf.sub(this.high, this.low))), inside.shape);
      return tf.where(inside, density, tf.fill(inside.shape, -Infinity));
    });
  }

  /** (low + high)/2. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(tf.add(this.low, this.high), 0.5), [...this.batchShape]));
  }

  /** log(high - low). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.log(tf.sub(this.high, this.low)), [...this.batchShape]));
  }
}
