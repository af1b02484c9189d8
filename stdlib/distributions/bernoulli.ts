/**
 * Bernoulli(probs | logits): x ∈ {0, 1} with P(x = 1) = probs = sigmoid(logits), elementwise.
 */
import { F, fuse, type FExpr } from '../fusion/index.js';
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { isMeanField } from './mean-field.js';
import { decideOn } from '../step-record.js';
import { asValue, binaryParams, broadcastShapes, detached, signatureOf, type TensorInput } from './discrete-params.js';

/**
 * x·ℓ - softplus(ℓ) as one fused program (stdlib/fusion; the same ops as tf.sub(tf.mul(x, ℓ), tf.softplus(ℓ))):
 * it equals x log σ(ℓ) + (1-x) log σ(-ℓ) without ever forming σ(ℓ) = 1 exactly, and softplus is evaluated as
 * max(ℓ, 0) + log1p(e^-|ℓ|), finite at any logit.
 */
function bernoulliLogProbTerm(x: FExpr, logits: FExpr): FExpr {
  return F.sub(F.mul(x, logits), F.softplus(logits));
}

/**
 * Tensors whose every value is 0 or 1 (observed data, usually): checked once each. One set per process, on
 * globalThis: the data binding marks batches through its copy of this module, and a generated model imported
 * from the model cache under tsx can run its own copy.
 */
const KNOWN_BINARY: WeakSet<tf.Tensor> = ((globalThis as { [key: symbol]: unknown })[Symbol.for('sgm.knownBinary')] ??= new WeakSet<tf.Tensor>()) as WeakSet<tf.Tensor>;

/**
 * Whether every value of x is 0 or 1, by a scan of its values in JS (one read-back), memoised per tensor.
 * logProb masks values outside {0, 1} to -inf, but observed data almost never has any: with this check it skips
 * the mask, whose kernels (two broadcasting Equals, on WASM's slow path, and a `where` forward and backward)
 * cost ~1.2 ms of a 21 ms reference-VAE step on WASM + native; the scan of a 100×784 batch costs ~0.1 ms, and
 * nothing for a tensor seen before (bench/NOTES.md, change 5).
 */
function allBinary(x: tf.Tensor): boolean {
  if (KNOWN_BINARY.has(x)) return true;
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  // A Variable can be assigned new values later: only immutable tensors are remembered.
  if (!(x instanceof tf.Variable)) KNOWN_BINARY.add(x);
  return true;
}

/**
 * Declares that every value of `t` is 0 or 1, checked by the caller (data binding checks a data set's column once):
 * Bernoulli's logProb then skips its scan of `t`. `t` must not be a Variable (its values can change).
 */
export function markBinaryValues(t: tf.Tensor): void {
  if (!(t instanceof tf.Variable)) KNOWN_BINARY.add(t);
}

/** Named parameters of Bernoulli (exactly one of probs, logits). */
export interface BernoulliParams {
  readonly probs?: TensorInput;
  readonly logits?: TensorInput;
}

/** Bernoulli distribution; log-probabilities are computed from logits (stable for |logits| up to 100 and beyond). */
export class Bernoulli extends Distribution {
  readonly signature = signatureOf('Bernoulli');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** P(x = 1). */
  readonly probs: tf.Tensor;
  /** log P(x = 1) - log P(x = 0). */
  readonly logits: tf.Tensor;
  /** Largest value of the support (lets truncation and GenGS treat Bernoulli as a count on {0, 1}). */
  readonly supportMax = 1;

  constructor({ probs, logits }: BernoulliParams) {
    super();
    ({ probs: this.probs, logits: this.logits } = binaryParams('Bernoulli', probs, logits));
    this.batchShape = this.logits.shape;
  }

  /**
   * 0/1 draws (float32) of shape [...sampleShape, ...batchShape], off the gradient tape: the comparison u < p
   * has no gradient in tfjs (Less), and a discrete draw has none to give; score-function estimators take their
   * gradient through logProb instead.
   */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const u = rng.uniform([...sampleShape, ...this.batchShape]);
      return detached((uu, p) => tf.cast(tf.less(uu, p), 'float32'), u, this.probs);
    });
  }

  /** log p(x) = x·logits - softplus(logits); -inf outside {0, 1}. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      broadcastShapes(x.shape, this.batchShape);
      const lp = fuse([x, this.logits], bernoulliLogProbTerm);
      // A mean-field value (MuProp) keeps the multilinear extension; observed data is checked once for the mask.
      if (isMeanField(value) || decideOn(x, allBinary)) return lp;
      const valid = detached((v) => tf.logicalOr(tf.equal(v, 0), tf.equal(v, 1)), x);
      return tf.where(valid, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** x·logits − softplus(logits) at a relaxed x ∈ [0, 1] (REBAR's relaxed objective; log-space.ts RelaxedMass). */
  relaxedLogProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => fuse([value, this.logits], bernoulliLogProbTerm));
  }

  /** probs. */
  override mean(): tf.Tensor {
    return this.probs.clone();
  }

  /** softplus(ℓ) - σ(ℓ)·ℓ (equals -p log p - (1-p) log(1-p), finite at |ℓ| = 100). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(tf.softplus(this.logits), tf.mul(this.probs, this.logits)));
  }

  /** [[0], [1]] broadcast: shape [2, ...batchShape]. */
  override enumerateSupport(): tf.Tensor {
    return tf.tidy(() => {
      const values = tf.tensor([0, 1], [2, ...this.batchShape.map(() => 1)]);
      return tf.mul(values, tf.ones([1, ...this.batchShape]));
    });
  }
}
