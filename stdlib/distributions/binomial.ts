/**
 * Binomial(total_count, probs | logits): the number of successes in N trials, p(k) = C(N, k) p^k (1-p)^(N-k).
 */
import type { RandomStream } from '../random.js';
import { logBinomial } from '../special/gamma.js';
import { tf } from '../tf.js';
import { drawElementwise, sampleBinomial } from './count-samplers.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, binaryParams, broadcastShapes, detached, isCount, signatureOf, type TensorInput } from './discrete-params.js';

/** Named parameters of Binomial (total_count and exactly one of probs, logits). */
export interface BinomialParams {
  /** Number of trials N (a non-negative integer; a tensor of them is accepted). */
  readonly total_count: TensorInput;
  readonly probs?: TensorInput;
  readonly logits?: TensorInput;
}

/** Binomial distribution on {0, ..., N}. */
export class Binomial extends Distribution {
  readonly signature = signatureOf('Binomial');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** N. */
  readonly total_count: tf.Tensor;
  /** Success probability p. */
  readonly probs: tf.Tensor;
  /** logit(p). */
  readonly logits: tf.Tensor;
  /** The largest N over the batch (the support bound used by truncation and enumeration). */
  readonly supportMax: number;

  constructor({ total_count, probs, logits }: BinomialParams) {
    super();
    this.total_count = asTensor(total_count);
    ({ probs: this.probs, logits: this.logits } = binaryParams('Binomial', probs, logits));
    this.batchShape = broadcastShapes(this.total_count.shape, this.logits.shape);
    // total_count is a compile-time constant in the language, so reading it once here costs one small sync.
    const counts = Array.from(this.total_count.dataSync());
    if (!counts.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new RangeError(`Binomial: total_count must be non-negative integers, got ${counts.join(', ')}`);
    }
    this.supportMax = Math.max(...counts);
  }

  /** Exact draws (float32 counts): inversion or BTRS (count-samplers.ts). */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return drawElementwise(rng, sampleShape, this.batchShape, [this.total_count, this.probs], (src, n, p) =>
      sampleBinomial(n, p, src),
    );
  }

  /** log C(N, k) + k ℓ - N softplus(ℓ); -inf outside {0, ..., N}. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = asValue(value);
      broadcastShapes(k.shape, this.batchShape);
      const n = this.total_count;
      const valid = detached((v, nv) => tf.logicalAnd(isCount(v), tf.lessEqual(v, nv)), k, n);
      // Clamp into [0, N] before lgamma so invalid entries cannot put NaN into the gradient.
      const kSafe = tf.minimum(tf.maximum(k, 0), n);
      // k log p + (N-k) log(1-p) = k ℓ - N softplus(ℓ): one softplus, no log of a rounded probability.
      const lp = tf.add(logBinomial(n, kSafe), tf.sub(tf.mul(kSafe, this.logits), tf.mul(n, tf.softplus(this.logits))));
      return tf.where(valid, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** N p. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.total_count, this.probs));
  }

  /** Exact entropy by summing -p log p over the finite support 0..max N. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const lp = this.logProb(this.enumerateSupport());
      // Cells beyond an element's own N have lp = -inf: exp gives 0 and where() keeps 0·(-inf) out.
      const terms = tf.where(tf.isFinite(lp), tf.mul(tf.exp(lp), lp), tf.zerosLike(lp));
      return tf.neg(tf.sum(terms, 0));
    });
  }

  /** 0..max N broadcast: shape [max N + 1, ...batchShape] (values above an element's N have mass 0). */
  override enumerateSupport(): tf.Tensor {
    return tf.tidy(() => {
      const n = this.supportMax + 1;
      const values = tf.reshape(tf.range(0, n, 1, 'float32'), [n, ...this.batchShape.map(() => 1)]);
      return tf.mul(values, tf.ones([1, ...this.batchShape]));
    });
  }
}
