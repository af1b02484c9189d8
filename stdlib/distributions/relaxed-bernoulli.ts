/**
 * RelaxedBernoulli / BinaryConcrete(logits | probs, tau, hard): z = sigmoid((ℓ + L)/τ), L ~ Logistic(0, 1)
 * (Maddison et al. 2017 section 3.4; docs/math.md section 6, the K = 2 case of Concrete). Densities are computed
 * from the logit y = logit(z), where they are stable at any temperature.
 */
import type { RandomStream } from '../random.js';
import { straightThrough } from '../straight-through.js';
import { tf } from '../tf.js';
import {
  MIN_PROB,
  asValue,
  binaryParams,
  detached,
  signatureOf,
  temperature,
  type TensorInput,
} from './discrete-params.js';
import { recordedDraw, type LogSpaceDensity, type LogSpaceDraw } from './log-space.js';
import { ReparameterizedDistribution } from './reparameterized.js';

/** Named parameters of RelaxedBernoulli (exactly one of logits, probs; tau required; hard optional). */
export interface RelaxedBernoulliParams {
  readonly logits?: TensorInput;
  readonly probs?: TensorInput;
  readonly tau: tf.Tensor | number;
  readonly hard?: boolean;
}

/** A relaxed binary draw together with its logit. */
export interface RelaxedBinaryDraw {
  /** What rsample returns: z in (0, 1), or its 0/1 straight-through version when hard. */
  readonly value: tf.Tensor;
  /** y = logit of the soft sample: use it with logProbLogit, exact at any temperature. */
  readonly logit: tf.Tensor;
}

/** Relaxed Bernoulli distribution on (0, 1), elementwise. */
export class RelaxedBernoulli extends ReparameterizedDistribution implements LogSpaceDensity {
  /** Densities are exact from the logit y = logit(z). */
  readonly logSpace = 'logit' as const;
  readonly signature = signatureOf('RelaxedBernoulli');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** logit of the Bernoulli it relaxes. */
  readonly logits: tf.Tensor;
  /** sigmoid(logits). */
  readonly probs: tf.Tensor;
  /** Temperature τ (scalar tensor). */
  readonly tau: tf.Tensor;
  /** Straight-through: 0/1 forward, relaxed backward. */
  readonly hard: boolean;

  constructor({ logits, probs, tau, hard = false }: RelaxedBernoulliParams) {
    super();
    ({ logits: this.logits, probs: this.probs } = binaryParams('RelaxedBernoulli', probs, logits));
    this.tau = temperature('RelaxedBernoulli', tau);
    this.hard = hard;
    this.batchShape = this.logits.shape;
  }

  /** A reparameterised draw [...sampleShape, ...batchShape] (0/1 forward when hard). */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    // The logit half of the draw is kept (recorded) so that logProbOfSample can score the value exactly.
    return recordedDraw(this, rng, sampleShape);
  }

  /** The draw and its logit (log-space.ts). */
  rsampleLogSpace(rng: RandomStream, sampleShape: readonly number[] = []): LogSpaceDraw {
    const d = this.rsampleWithLogit(rng, sampleShape);
    return { value: d.value, rep: d.logit };
  }

  /** log density of z from its logit (log-space.ts): logProbFromLogit. */
  logProbLogSpace(rep: tf.Tensor): tf.Tensor {
    return this.logProbFromLogit(rep);
  }

  /** A reparameterised draw and the logit y = (ℓ + L)/τ it came from. */
  rsampleWithLogit(rng: RandomStream, sampleShape: readonly number[] = []): RelaxedBinaryDraw {
    const [value, logit] = tf.tidy(() => {
      const y = this.rsampleLogit(rng, sampleShape);
      const z = tf.sigmoid(y);
      if (!this.hard) return [z, y];
      return [straightThrough(detached((v) => tf.cast(tf.greater(v, 0), 'float32'), y), z), y];
    });
    return { value, logit };
  }

  /** A reparameterised logit-space draw y = (ℓ + L)/τ, L ~ Logistic(0, 1). */
  rsampleLogit(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.div(tf.add(this.logits, rng.logistic([...sampleShape, ...this.batchShape])), this.tau));
  }

  /** log density of the logit y: Logistic(ℓ/τ, 1/τ), log τ + (ℓ - τy) - 2 softplus(ℓ - τy). */
  logProbLogit(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.sub(this.logits, tf.mul(this.tau, y));
      return tf.sub(tf.add(tf.log(this.tau), a), tf.mul(2, tf.softplus(a)));
    });
  }

  /**
   * log density of z: logistic density of y = logit(z) plus log|dy/dz| = softplus(y) + softplus(-y). z is
   * clamped into [1.2e-38, 1] on both sides (exact for float32-normal z and 1 - z); at low τ use
   * rsampleWithLogit + logProbLogit instead.
   */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = asValue(value);
      const y = tf.sub(tf.log(tf.maximum(z, MIN_PROB)), tf.log(tf.maximum(tf.sub(1, z), MIN_PROB)));
      return this.logProbFromLogit(y);
    });
  }

  /** log density of z = sigmoid(y), given its logit y (exact at any temperature). */
  logProbFromLogit(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.logProbLogit(y), tf.add(tf.softplus(y), tf.softplus(tf.neg(y)))));
  }
}
