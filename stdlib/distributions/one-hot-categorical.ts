/**
 * OneHotCategorical(probs | logits): a one-hot vector of length K (the last axis of probs/logits).
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Categorical, type CategoricalParamsInput } from './categorical.js';
import { Distribution } from './distribution.js';
import { asValue, detached, signatureOf } from './discrete-params.js';
import { isMeanField } from './mean-field.js';

/** One-hot categorical distribution; shares its parameters and sampler with Categorical. */
export class OneHotCategorical extends Distribution {
  readonly signature = signatureOf('OneHotCategorical');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** Category probabilities [...batchShape, K] (normalised). */
  readonly probs: tf.Tensor;
  /** log probs [...batchShape, K]. */
  readonly logits: tf.Tensor;
  /** Number of categories K. */
  readonly numCategories: number;
  private readonly index: Categorical;

  constructor(params: CategoricalParamsInput) {
    super();
    this.index = new Categorical(params);
    this.probs = this.index.probs;
    this.logits = this.index.logits;
    this.numCategories = this.index.numCategories;
    this.batchShape = this.index.batchShape;
    this.eventShape = [this.numCategories];
  }

  /** One-hot draws (float32) of shape [...sampleShape, ...batchShape, K]. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() =>
      tf.cast(tf.oneHot(tf.cast(this.index.sample(rng, sampleShape), 'int32'), this.numCategories), 'float32'),
    );
  }

  /** Σ_k x_k log p_k for one-hot x; -inf for anything that is not a one-hot vector. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      const lp = tf.sum(tf.mul(x, this.logits), -1);
      if (isMeanField(value)) return lp; // MuProp's mean-field value: Σ x·log p without the vertex mask
      const oneHot = detached(
        (v) => tf.logicalAnd(tf.all(tf.logicalOr(tf.equal(v, 0), tf.equal(v, 1)), -1), tf.equal(tf.sum(v, -1), 1)),
        x,
      );
      return tf.where(oneHot, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** Σ_k x_k log p_k at a relaxed x on the simplex (REBAR's relaxed objective; log-space.ts RelaxedMass). */
  relaxedLogProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.mul(value, this.logits), -1));
  }

  /** probs. */
  override mean(): tf.Tensor {
    return this.probs.clone();
  }

  /** -Σ p log p over the last axis. */
  override entropy(): tf.Tensor {
    return this.index.entropy();
  }

  /** The K one-hot vectors: shape [K, ...batchShape, K]. */
  override enumerateSupport(): tf.Tensor {
    return tf.tidy(() => {
      const K = this.numCategories;
      const eye = tf.reshape(tf.eye(K), [K, ...this.batchShape.map(() => 1), K]);
      return tf.mul(eye, tf.ones([1, ...this.batchShape, 1]));
    });
  }
}
