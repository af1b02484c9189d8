/**
 * Geometric(probs | logits): the number of failures before the first success, p(k) = (1-p)^k p, k ≥ 0.
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asValue, binaryParams, broadcastShapes, isCount, logSigmoid, signatureOf, type TensorInput } from './discrete-params.js';

/** Named parameters of Geometric (exactly one of probs, logits: the success probability). */
export interface GeometricParams {
  readonly probs?: TensorInput;
  readonly logits?: TensorInput;
}

/** Geometric distribution on {0, 1, 2, ...}. */
export class Geometric extends Distribution {
  readonly signature = signatureOf('Geometric');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Success probability p. */
  readonly probs: tf.Tensor;
  /** logit(p). */
  readonly logits: tf.Tensor;
  /** The support is unbounded. */
  readonly supportMax = Infinity;

  constructor({ probs, logits }: GeometricParams) {
    super();
    ({ probs: this.probs, logits: this.logits } = binaryParams('Geometric', probs, logits));
    this.batchShape = this.logits.shape;
  }

  /** Exact draws by inversion: floor(log u / log(1 - p)), float32 counts. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = rng.openUniform([...sampleShape, ...this.batchShape]);
      // log(1 - p) = log σ(-ℓ): exact for p near 1, where log1p(-p) would round p first.
      return tf.floor(tf.div(tf.log(u), logSigmoid(tf.neg(this.logits))));
    });
  }

  /** k log(1 - p) + log p (as log-sigmoids of the logits); -inf for negative or non-integer k. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = asValue(value);
      broadcastShapes(k.shape, this.batchShape);
      const valid = isCount(k);
      const lp = tf.add(tf.mul(k, logSigmoid(tf.neg(this.logits))), logSigmoid(this.logits));
      return tf.where(valid, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** Exact log P(X ≥ m) = m log(1 - p), used by truncation for the folded tail. */
  logSurvival(m: number): tf.Tensor {
    return tf.tidy(() => tf.mul(m, logSigmoid(tf.neg(this.logits))));
  }

  /** (1 - p) / p = exp(-ℓ). */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.exp(tf.neg(this.logits)));
  }

  /** [-(1-p) log(1-p) - p log p] / p (the Bernoulli entropy per expected trial), from log-sigmoids. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const q = tf.sigmoid(tf.neg(this.logits));
      const h = tf.neg(
        tf.add(tf.mul(q, logSigmoid(tf.neg(this.logits))), tf.mul(this.probs, logSigmoid(this.logits))),
      );
      return tf.div(h, this.probs);
    });
  }
}
