/**
 * GumbelSoftmax / Concrete(logits | probs, tau, hard): the relaxed one-hot z = softmax((ℓ + g)/τ)
 * (Jang et al. 2017 eq. (1)-(2); Maddison et al. 2017). Sampled in log space (docs/math.md section 6): z = exp(y)
 * with y an ExpConcrete draw. With hard = true the forward value is one-hot(argmax) and the gradient is the
 * relaxed sample's (straight-through, Jang et al. section 2.2).
 */
import type { RandomStream } from '../random.js';
import { straightThrough, oneHotArgmax } from '../straight-through.js';
import { tf } from '../tf.js';
import { MIN_PROB, asValue, signatureOf, type TensorInput } from './discrete-params.js';
import { ExpConcrete } from './exp-concrete.js';
import { recordedDraw, type LogSpaceDensity, type LogSpaceDraw } from './log-space.js';
import { ReparameterizedDistribution } from './reparameterized.js';

/** Named parameters of GumbelSoftmax (exactly one of logits, probs; tau required; hard optional). */
export interface GumbelSoftmaxParams {
  readonly logits?: TensorInput;
  readonly probs?: TensorInput;
  readonly tau: tf.Tensor | number;
  readonly hard?: boolean;
}

/** A relaxed draw together with the log-space sample it came from. */
export interface RelaxedDraw {
  /** What rsample returns: the relaxed z, or its one-hot straight-through version when hard. */
  readonly value: tf.Tensor;
  /** y = log z of the relaxed (soft) sample: use it with logProbLog, exact at any temperature. */
  readonly logSoft: tf.Tensor;
}

/** Gumbel-Softmax (Concrete) distribution on the simplex [..., K]. */
export class GumbelSoftmax extends ReparameterizedDistribution implements LogSpaceDensity {
  /** Densities are exact from log z (the ExpConcrete draw). */
  readonly logSpace = 'log_simplex' as const;
  readonly signature = signatureOf('GumbelSoftmax');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** Normalised logits log α [...batchShape, K]. */
  readonly logits: tf.Tensor;
  /** α [...batchShape, K]. */
  readonly probs: tf.Tensor;
  /** Temperature τ (scalar tensor). */
  readonly tau: tf.Tensor;
  /** Straight-through: one-hot forward, relaxed backward. */
  readonly hard: boolean;
  /** The log-space view of this distribution (same logits and τ): its samples are log z. */
  readonly expConcrete: ExpConcrete;
  /** Number of categories K. */
  readonly numCategories: number;

  constructor({ logits, probs, tau, hard = false }: GumbelSoftmaxParams) {
    super();
    this.expConcrete = new ExpConcrete({ logits, probs, tau });
    this.logits = this.expConcrete.logits;
    this.probs = this.expConcrete.probs;
    this.tau = this.expConcrete.tau;
    this.hard = hard;
    this.numCategories = this.expConcrete.numCategories;
    this.batchShape = this.expConcrete.batchShape;
    this.eventShape = this.expConcrete.eventShape;
  }

  /** A reparameterised draw [...sampleShape, ...batchShape, K] (one-hot forward when hard). */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    // The log-space half of the draw is kept (recorded) so that logProbOfSample can score the value exactly.
    return recordedDraw(this, rng, sampleShape);
  }

  /** The draw and its log z (log-space.ts). */
  rsampleLogSpace(rng: RandomStream, sampleShape: readonly number[] = []): LogSpaceDraw {
    const d = this.rsampleWithLog(rng, sampleShape);
    return { value: d.value, rep: d.logSoft };
  }

  /** Concrete log density of z from log z (log-space.ts): logProbLog. */
  logProbLogSpace(rep: tf.Tensor): tf.Tensor {
    return this.logProbLog(rep);
  }

  /** A reparameterised draw and its log-space soft sample (for exact densities at low τ). */
  rsampleWithLog(rng: RandomStream, sampleShape: readonly number[] = []): RelaxedDraw {
    const [value, logSoft] = tf.tidy(() => {
      const y = this.expConcrete.rsample(rng, sampleShape);
      const z = tf.exp(y);
      // argmax of y rather than of z: at low τ several z entries can round to the same value, y's cannot.
      return [this.hard ? straightThrough(oneHotArgmax(y), z) : z, y];
    });
    return { value, logSoft };
  }

  /**
   * Concrete log density of z (Jang et al. 2017 eq. (3), as IGR v1 eq. (7) writes it): ExpConcrete density of log z minus Σ log z (docs/math.md section 6).
   * log z is clamped at log(1.2e-38): exact for every z whose entries are float32-normal; at low τ, samples
   * have exact zeros, so use rsampleWithLog + logProbLog for those (a hard one-hot value gets the density at
   * the clamped vertex, finite but not meaningful).
   */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.logProbLog(tf.log(tf.maximum(asValue(value), MIN_PROB))));
  }

  /** Concrete log density of z = exp(y), given y = log z (exact at any temperature). */
  logProbLog(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sub(this.expConcrete.logProb(y), tf.sum(y, -1)));
  }
}
