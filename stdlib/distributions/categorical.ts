/**
 * Categorical(probs | logits): an index in {0, ..., K-1}, K = the last axis of probs/logits. Values are
 * float32 (every sgm value is float32; integers are exact below 2^24); int32 indices are accepted too.
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
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

/** Named parameters of Categorical and OneHotCategorical (exactly one of probs, logits). */
export interface CategoricalParamsInput {
  readonly probs?: TensorInput;
  readonly logits?: TensorInput;
}

/** Categorical distribution over the last axis; `logits` are normalised (log probs). */
export class Categorical extends Distribution {
  readonly signature = signatureOf('Categorical');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Category probabilities [...batchShape, K] (normalised). */
  readonly probs: tf.Tensor;
  /** log probs [...batchShape, K] (logsumexp over the last axis is 0). */
  readonly logits: tf.Tensor;
  /** Number of categories K. */
  readonly numCategories: number;

  constructor({ probs, logits }: CategoricalParamsInput) {
    super();
    ({ probs: this.probs, logits: this.logits } = categoricalParams('Categorical', probs, logits));
    this.numCategories = this.logits.shape[this.logits.rank - 1];
    this.batchShape = this.logits.shape.slice(0, -1);
  }

  /** Indices (float32) of shape [...sampleShape, ...batchShape], by the Gumbel-max trick. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const g = rng.gumbel([...sampleShape, ...this.batchShape, this.numCategories]);
      return tf.cast(tf.argMax(tf.add(this.logits, g), -1), 'float32');
    });
  }

  /** log probs[value]; -inf for values that are not an index in 0..K-1. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      broadcastShapes(x.shape, this.batchShape);
      const K = this.numCategories;
      const inRange = detached((v) => tf.logicalAnd(isCount(v), tf.less(v, K)), x);
      // Gather by one-hot product: works for any broadcast between value and batch shapes. Out-of-range
      // indices give an all-zero row (so a finite 0), replaced by -inf below.
      const oneHot = detached((v) => tf.cast(tf.oneHot(tf.cast(v, 'int32'), K), 'float32'), x);
      const lp = tf.sum(tf.mul(oneHot, this.logits), -1);
      return tf.where(inRange, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** -Σ p log p over the last axis. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.sum(tf.mul(this.probs, this.logits), -1)));
  }

  /** 0..K-1 broadcast: shape [K, ...batchShape]. */
  override enumerateSupport(): tf.Tensor {
    return tf.tidy(() => {
      const K = this.numCategories;
      const values = tf.reshape(tf.range(0, K, 1, 'float32'), [K, ...this.batchShape.map(() => 1)]);
      return tf.mul(values, tf.ones([1, ...this.batchShape]));
    });
  }
}
