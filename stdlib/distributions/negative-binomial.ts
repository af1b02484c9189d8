/**
 * NegativeBinomial(total_count, probs | logits). Convention (the signature table's, as torch and Pyro): the
 * number of SUCCESSES k before total_count = r FAILURES, each trial succeeding with probability p = probs:
 * p(k) = C(k + r - 1, k) p^k (1 - p)^r, mean r p / (1 - p). (Some texts, and scipy's nbinom, swap the roles of
 * p and 1 - p.)
 */
import type { RandomStream } from '../random.js';
import { lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { drawElementwise, sampleNegativeBinomial } from './count-samplers.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, binaryParams, broadcastShapes, isCount, logSigmoid, signatureOf, type TensorInput } from './discrete-params.js';

/** Named parameters of NegativeBinomial (total_count r and exactly one of probs, logits). */
export interface NegativeBinomialParams {
  /** Number of failures r > 0 (real r allowed). */
  readonly total_count: TensorInput;
  readonly probs?: TensorInput;
  readonly logits?: TensorInput;
}

/** Negative binomial distribution on {0, 1, 2, ...} (successes before r failures). */
export class NegativeBinomial extends Distribution {
  readonly signature = signatureOf('NegativeBinomial');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** r. */
  readonly total_count: tf.Tensor;
  /** Success probability p. */
  readonly probs: tf.Tensor;
  /** logit(p). */
  readonly logits: tf.Tensor;
  /** The support is unbounded. */
  readonly supportMax = Infinity;

  constructor({ total_count, probs, logits }: NegativeBinomialParams) {
    super();
    this.total_count = asTensor(total_count);
    ({ probs: this.probs, logits: this.logits } = binaryParams('NegativeBinomial', probs, logits));
    this.batchShape = broadcastShapes(this.total_count.shape, this.logits.shape);
  }

  /** Exact draws (float32 counts) as a gamma-Poisson mixture (count-samplers.ts). */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return drawElementwise(rng, sampleShape, this.batchShape, [this.total_count, this.probs], (src, r, p) =>
      sampleNegativeBinomial(r, p, src),
    );
  }

  /** log Γ(k+r) - log Γ(r) - log k! + k log p + r log(1-p); -inf for negative or non-integer k. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = asValue(value);
      broadcastShapes(k.shape, this.batchShape);
      const r = this.total_count;
      const valid = isCount(k);
      const kSafe = tf.maximum(k, 0);
      const logCoef = tf.sub(tf.sub(lgamma(tf.add(kSafe, r)), lgamma(r)), lgamma(tf.add(kSafe, 1)));
      // log p and log(1-p) as log-sigmoids of the logits: exact when p is within float32 rounding of 0 or 1.
      const lp = tf.add(logCoef, tf.add(tf.mul(kSafe, logSigmoid(this.logits)), tf.mul(r, logSigmoid(tf.neg(this.logits)))));
      return tf.where(valid, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** r p / (1 - p) = r e^ℓ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.total_count, tf.exp(this.logits)));
  }
}
