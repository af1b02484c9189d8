/**
 * Poisson(rate): counts k ≥ 0 with p(k) = e^{-λ} λ^k / k!, elementwise.
 */
import type { RandomStream } from '../random.js';
import { lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { drawElementwise, samplePoisson } from './count-samplers.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, broadcastShapes, isCount, signatureOf, type TensorInput } from './discrete-params.js';

/** Named parameters of Poisson. */
export interface PoissonParams {
  /** λ > 0. */
  readonly rate: TensorInput;
}

/** Poisson distribution (no rsample: relax it with GenGS(Poisson(rate), trunc = n)). */
export class Poisson extends Distribution {
  readonly signature = signatureOf('Poisson');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** λ. */
  readonly rate: tf.Tensor;
  /** The support is unbounded. */
  readonly supportMax = Infinity;

  constructor({ rate }: PoissonParams) {
    super();
    this.rate = asTensor(rate);
    this.batchShape = this.rate.shape;
  }

  /** Exact draws (float32 counts), PTRS for λ ≥ 10 (count-samplers.ts). */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return drawElementwise(rng, sampleShape, this.batchShape, [this.rate], (src, lambda) => samplePoisson(lambda, src));
  }

  /** k log λ - λ - log k!; -inf for negative or non-integer k. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = asValue(value);
      broadcastShapes(k.shape, this.batchShape);
      const valid = isCount(k);
      // lgamma is evaluated at a clamped k so that invalid entries cannot put NaN into the gradient.
      const kSafe = tf.maximum(k, 0);
      const lp = tf.sub(tf.sub(tf.mul(kSafe, tf.log(this.rate)), this.rate), lgamma(tf.add(kSafe, 1)));
      return tf.where(valid, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** λ. */
  override mean(): tf.Tensor {
    return this.rate.clone();
  }
}
