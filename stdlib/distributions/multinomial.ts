/**
 * Multinomial(total_count, probs | logits): counts of K categories in N draws, event shape [K],
 * p(x) = N! / Π x_k! · Π p_k^{x_k} for Σ x_k = N.
 */
import type { RandomStream } from '../random.js';
import { lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { sampleMultinomial, UniformSource } from './count-samplers.js';
import { Distribution } from './distribution.js';
import {
  asValue,
  broadcastShapes,
  categoricalParams,
  detached,
  isCount,
  signatureOf,
  type TensorInput,
} from './discrete-params.js';

/** Named parameters of Multinomial (total_count and exactly one of probs, logits over the last axis). */
export interface MultinomialParams {
  /** Number of draws N: one non-negative integer for the whole batch (a compile-time constant). */
  readonly total_count: number;
  readonly probs?: TensorInput;
  readonly logits?: TensorInput;
}

/** Multinomial distribution. */
export class Multinomial extends Distribution {
  readonly signature = signatureOf('Multinomial');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** N. */
  readonly total_count: number;
  /** Category probabilities [...batchShape, K] (normalised). */
  readonly probs: tf.Tensor;
  /** log probs [...batchShape, K]. */
  readonly logits: tf.Tensor;
  /** Number of categories K. */
  readonly numCategories: number;

  constructor({ total_count, probs, logits }: MultinomialParams) {
    super();
    if (!(Number.isInteger(total_count) && total_count >= 0)) {
      throw new RangeError(`Multinomial: total_count must be a non-negative integer, got ${total_count}`);
    }
    this.total_count = total_count;
    ({ probs: this.probs, logits: this.logits } = categoricalParams('Multinomial', probs, logits));
    this.numCategories = this.logits.shape[this.logits.rank - 1];
    this.batchShape = this.logits.shape.slice(0, -1);
    this.eventShape = [this.numCategories];
  }

  /** Exact draws (float32 counts) [...sampleShape, ...batchShape, K] by conditional binomials. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    const K = this.numCategories;
    const probs = this.probs.dataSync();
    const batchSize = probs.length / K;
    const samples = sampleShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(samples * batchSize * K);
    const src = new UniformSource(rng);
    for (let s = 0; s < samples; s++) {
      for (let b = 0; b < batchSize; b++) {
        const counts = sampleMultinomial(this.total_count, probs.subarray(b * K, (b + 1) * K), src);
        out.set(counts, (s * batchSize + b) * K);
      }
    }
    return tf.tensor(out, [...sampleShape, ...this.batchShape, K], 'float32');
  }

  /** log N! - Σ log x_k! + Σ x_k log p_k; -inf unless x is non-negative integers summing to N. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      broadcastShapes(x.shape.slice(0, -1), this.batchShape);
      const xSafe = tf.maximum(x, 0);
      const valid = detached((v) => tf.logicalAnd(tf.all(isCount(v), -1), tf.equal(tf.sum(v, -1), this.total_count)), x);
      const lp = tf.add(
        tf.sub(lgamma(tf.scalar(this.total_count + 1)), tf.sum(lgamma(tf.add(xSafe, 1)), -1)),
        tf.sum(tf.mul(xSafe, this.logits), -1),
      );
      return tf.where(valid, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** N p. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.probs, this.total_count));
  }
}
