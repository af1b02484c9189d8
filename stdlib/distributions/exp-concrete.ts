/**
 * ExpConcrete(logits | probs, tau): the distribution of y = log z for z ~ Concrete(α, τ) (Maddison et al.
 * 2017, appendix C; docs/math.md section 6). Sampling and density both stay in log space, so nothing underflows
 * at low temperature: at τ = 0.01 and logits ±100, z = exp(y) has exact zeros but y is finite.
 */
import type { RandomStream } from '../random.js';
import { lgamma64 } from '../special/gamma64.js';
import { tf } from '../tf.js';
import {
  asValue,
  categoricalParams,
  signatureOf,
  temperature,
  type TensorInput,
} from './discrete-params.js';
import { ReparameterizedDistribution } from './reparameterized.js';

/**
 * ExpConcrete log density of y (log of a point of the simplex) under logits ℓ = log α and temperature τ
 * (docs/math.md section 6; Maddison et al. 2017 appendix C):
 *   log p(y) = lgamma(K) + (K-1) log τ + Σ_k (ℓ_k - τ y_k) - K logsumexp_k(ℓ_k - τ y_k).
 * Shapes broadcast; the last axis holds the K categories and is summed.
 */
export function expConcreteLogProb(logits: tf.Tensor, tau: tf.Tensor | number, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const K = logits.shape[logits.rank - 1];
    const a = tf.sub(logits, tf.mul(tau, y));
    // logSumExp shifts by the max, so ℓ - τy of order 1e4 (τ = 0.01, |ℓ| = 100) stays exact to float32.
    const constant = tf.add(lgamma64(K), tf.mul(K - 1, tf.log(tau)));
    return tf.add(constant, tf.sub(tf.sum(a, -1), tf.mul(K, tf.logSumExp(a, -1))));
  });
}

/**
 * A reparameterised ExpConcrete draw y = log softmax((ℓ + g)/τ), g ~ Gumbel(0, 1) (docs/math.md section 6), of
 * shape [...sampleShape, ...logits.shape].
 */
export function rsampleExpConcrete(
  rng: RandomStream,
  logits: tf.Tensor,
  tau: tf.Tensor | number,
  sampleShape: readonly number[],
): tf.Tensor {
  return tf.tidy(() => {
    const g = rng.gumbel([...sampleShape, ...logits.shape]);
    return tf.logSoftmax(tf.div(tf.add(logits, g), tau), -1);
  });
}

/** Named parameters of ExpConcrete (exactly one of logits, probs; tau required). */
export interface ExpConcreteParams {
  readonly logits?: TensorInput;
  readonly probs?: TensorInput;
  readonly tau: tf.Tensor | number;
}

/** ExpConcrete distribution over log-simplex points [..., K]. */
export class ExpConcrete extends ReparameterizedDistribution {
  readonly signature = signatureOf('ExpConcrete');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** Normalised logits log α [...batchShape, K]. */
  readonly logits: tf.Tensor;
  /** α (normalised) [...batchShape, K]. */
  readonly probs: tf.Tensor;
  /** Temperature τ (scalar tensor). */
  readonly tau: tf.Tensor;
  /** Number of categories K. */
  readonly numCategories: number;

  constructor({ logits, probs, tau }: ExpConcreteParams) {
    super();
    ({ logits: this.logits, probs: this.probs } = categoricalParams('ExpConcrete', probs, logits));
    this.tau = temperature('ExpConcrete', tau);
    this.numCategories = this.logits.shape[this.logits.rank - 1];
    this.batchShape = this.logits.shape.slice(0, -1);
    this.eventShape = [this.numCategories];
  }

  /** A reparameterised log-space draw [...sampleShape, ...batchShape, K]. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return rsampleExpConcrete(rng, this.logits, this.tau, sampleShape);
  }

  /** ExpConcrete log density of y (see expConcreteLogProb). */
  logProb(value: tf.Tensor): tf.Tensor {
    return expConcreteLogProb(this.logits, this.tau, asValue(value));
  }
}
