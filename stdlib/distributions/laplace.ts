/**
 * Laplace(loc, scale): density exp(-|x - μ|/b) / (2b), elementwise. Reparameterized by inversion:
 * x = μ - b sign(u) log(1 - 2|u|), u = v - ½ with v strictly inside (0, 1), so 1 - 2|u| ≥ 2e-7 and x is finite.
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, broadcastShapes, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { requirePositive } from './positive.js';

/** Named parameters of Laplace. */
export interface LaplaceParams {
  /** μ. */
  readonly loc: TensorInput;
  /** b > 0. */
  readonly scale: TensorInput;
}

/** The Laplace distribution; batch shape = broadcast of μ and b, event shape []. */
export class Laplace extends Distribution {
  readonly signature = signatureOf('Laplace');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor({ loc, scale }: LaplaceParams) {
    super();
    if (loc === undefined) throw new TypeError("Laplace needs 'loc'");
    this.loc = asTensor(loc);
    this.scale = requirePositive('Laplace', 'scale', scale);
    this.batchShape = broadcastShapes(this.loc.shape, this.scale.shape);
  }

  /** μ - b sign(u) log1p(-2|u|): gradients 1 to μ and (x - μ)/b to b. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.sub(rng.openUniform([...sampleShape, ...this.batchShape]), 0.5);
      // log1p keeps the many draws near the centre (|u| small) accurate; the noise carries no gradient.
      const e = tf.neg(tf.mul(tf.sign(u), tf.log1p(tf.mul(tf.abs(u), -2))));
      return tf.add(this.loc, tf.mul(this.scale, e));
    });
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** -log(2b) - |x - μ|/b. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf.sub(tf.neg(tf.log(tf.mul(this.scale, 2))), tf.div(tf.abs(tf.sub(asValue(value), this.loc)), this.scale)),
    );
  }

  /** μ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape]));
  }

  /** 1 + log(2b). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(tf.mul(this.scale, 2)), 1), [...this.batchShape]));
  }
}
