/**
 * The shared machinery of the IGR family (Invertible Gaussian Reparameterization; IGR paper section 3,
 * eq. (10)-(12); docs/math.md section 3): y = μ + σ ⊙ ε with ε ~ N(0, I) on K-1 coordinates, x = pre(y) (identity,
 * stick-breaking of sigmoid(y), or a planar flow), z = softmax++(x, τ, δ) on the simplex with K entries.
 * The density of z is by change of variables (eq. (12)):
 *   log q(z) = log N(y | μ, σ²) - log|det ∂x/∂y| - log|det ∂z/∂x|,  y = pre⁻¹(softmax++⁻¹(z)).
 * Each subclass supplies pre and its inverse; everything else lives here.
 *
 * Low temperatures: at τ ≤ 0.1 most entries of z underflow to exactly 0 in float32, so z alone no longer
 * determines y. `rsampleDetailed` therefore returns the Gaussian draw y, the softmax++ input x, log z and the
 * hard one-hot h(x) (Proposition 1) of ONE draw; densities, KL estimates, straight-through and discrete
 * recovery should use those (logProbFromLatent(y) is exact at any τ). logProb(z) floors underflowed entries
 * and is exact only while every entry of z is a normal float32.
 */
import { fuse } from '../fusion/index.js';
import type { RandomStream } from '../random.js';
import type { DistributionSig } from '../signatures/index.js';
import { straightThrough } from '../straight-through.js';
import { normalLogDensity } from '../special/normal.js';
import { tf } from '../tf.js';
import {
  logSoftmaxPlusPlus,
  softmaxPlusPlusInverse,
  softmaxPlusPlusInverseLog,
  softmaxPlusPlusLogDetFromLog,
} from '../transforms/softmax-plus-plus.js';
import { igrHard } from '../igr/discrete-recovery.js';
import { Distribution } from './distribution.js';
import { asValue, signatureOf, stopGradient, temperature, type TensorInput } from './discrete-params.js';
import { recordLogSpace, recordedDraw, type LogSpaceDensity, type LogSpaceDraw } from './log-space.js';
import { locationScale, locationScaleTerm } from './location-scale.js';

/** Named parameters shared by every IGR distribution (names as in the signature table). */
export interface IgrParams {
  /** Gaussian mean, shape [..., K-1]. */
  readonly mu: TensorInput;
  /** Gaussian standard deviation, broadcast with mu. */
  readonly sigma: TensorInput;
  /** Temperature τ > 0: a number or a scalar tensor. */
  readonly tau: tf.Tensor | number;
  /** softmax++ offset δ (default 1, docs/math.md section 1). */
  readonly delta?: number;
}

/** One reparameterised IGR draw with everything derived from it (all share the same ε). */
export type IgrDraw = {
  /** The relaxed sample on the simplex, [...sampleShape, ...batchShape, K]. */
  readonly z: tf.Tensor;
  /** log z, exact even where z underflows. */
  readonly logZ: tf.Tensor;
  /** The Gaussian draw y = μ + σ ε, [..., K-1]. */
  readonly y: tf.Tensor;
  /** The softmax++ input x = pre(y), [..., K-1]. */
  readonly x: tf.Tensor;
  /** h(x): the one-hot vertex of Proposition 1, [..., K] (float32). */
  readonly hard: tf.Tensor;
};

/**
 * The pre-softmax++ transform of a family: x and log|det ∂x/∂y| (shape [...]). The log-determinant is a thunk
 * (called inside the caller's tidy scope) because only densities need it: a training step's rsample would
 * otherwise compute and differentiate a term it never uses.
 */
export interface PreTransformResult {
  readonly x: tf.Tensor;
  readonly logDet: () => tf.Tensor;
}

/** Base class of IGR_I, IGR_SB and IGR_Planar. */
export abstract class IgrBase extends Distribution implements LogSpaceDensity {
  /** Densities are exact from log z (logProbFromLog; log-space.ts). */
  readonly logSpace = 'log_simplex' as const;
  readonly signature: DistributionSig;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** Gaussian mean μ [..., K-1]. */
  readonly mu: tf.Tensor;
  /** Gaussian standard deviation σ (broadcast with μ). */
  readonly sigma: tf.Tensor;
  /** Temperature τ (scalar tensor). */
  readonly tau: tf.Tensor;
  /** softmax++ offset δ. */
  readonly delta: number;
  /** Number of categories K (= last axis of μ plus one). */
  readonly numCategories: number;

  protected constructor(family: string, { mu, sigma, tau, delta = 1 }: IgrParams) {
    super();
    this.signature = signatureOf(family);
    const p = locationScale(family, mu, sigma);
    if (p.shape.length < 1 || p.shape[p.shape.length - 1] < 1) {
      throw new RangeError(`${family}: mu needs a last axis of K-1 ≥ 1 Gaussian coordinates`);
    }
    if (!(delta > 0)) throw new RangeError(`${family}: delta must be > 0, got ${delta}`);
    this.mu = p.mu;
    this.sigma = p.sigma;
    this.tau = temperature(family, tau);
    this.delta = delta;
    this.numCategories = p.shape[p.shape.length - 1] + 1;
    this.batchShape = p.shape.slice(0, -1);
    this.eventShape = [this.numCategories];
  }

  /** x = pre(y) and log|det ∂x/∂y|. */
  protected abstract preTransform(y: tf.Tensor): PreTransformResult;

  /** y = pre⁻¹(x). */
  protected abstract preInverse(x: tf.Tensor): tf.Tensor;

  /** y = μ + σ ε, [...sampleShape, ...batchShape, K-1]: the one Gaussian draw behind every sample. */
  private gaussianDraw(rng: RandomStream, sampleShape: readonly number[]): tf.Tensor {
    return fuse([this.mu, this.sigma, rng.normal([...sampleShape, ...this.batchShape, this.numCategories - 1])], locationScaleTerm);
  }

  /** A reparameterised draw with its Gaussian y, softmax++ input x, log z and hard one-hot h(x). */
  rsampleDetailed(rng: RandomStream, sampleShape: readonly number[] = []): IgrDraw {
    return tf.tidy(() => this.drawFromLatent(this.gaussianDraw(rng, sampleShape)));
  }

  /** z, log z, x and h(x) for a given Gaussian draw y. */
  drawFromLatent(y: tf.Tensor): IgrDraw {
    return tf.tidy(() => {
      const { x } = this.preTransform(y);
      const logZ = logSoftmaxPlusPlus(x, this.tau, this.delta);
      return { z: tf.exp(logZ), logZ, y, x, hard: igrHard(x) };
    });
  }

  /**
   * A reparameterised draw z [...sampleShape, ...batchShape, K]: the same ε and z as rsampleDetailed, without
   * its extras (h(x), and IGR_SB's truncation read-back). This is what a training step calls: the one-hot and
   * the extras would be extra kernels per step that nothing uses (issue 6, zero overhead).
   */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    // log z is kept (recorded) so that logProbOfSample scores z exactly at any τ; it is computed anyway.
    return recordedDraw(this, rng, sampleShape);
  }

  /** z and log z of one draw (the same ε), without the extras of rsampleDetailed. */
  rsampleLogSpace(rng: RandomStream, sampleShape: readonly number[] = []): LogSpaceDraw {
    const [value, rep, latent] = tf.tidy(() => {
      const y = this.gaussianDraw(rng, sampleShape);
      const { x } = this.preTransform(y);
      const logZ = logSoftmaxPlusPlus(x, this.tau, this.delta);
      return [tf.exp(logZ), logZ, y];
    });
    // y is returned too: the draw's own density is exact from it (logProbOfLatent), while inverting log z loses
    // small sticks of IGR_SB to float32 cancellation (log-space.ts).
    return { value, rep, latent };
  }

  /** log q(z) from log z: logProbFromLog (exact at any τ while the pre-image is well conditioned). */
  logProbLogSpace(rep: tf.Tensor): tf.Tensor {
    return this.logProbFromLog(rep);
  }

  /** log q(z) of this distribution's own draw from its Gaussian y (exact; IGR eq. (12)). */
  logProbOfLatent(latent: tf.Tensor): tf.Tensor {
    return this.logProbFromLatent(latent);
  }

  /** A draw with no gradient (log z and y recorded, without gradient). */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    const [value, rep, latent] = tf.tidy(() => {
      const d = this.rsampleLogSpace(rng, sampleShape);
      return [stopGradient(d.value), stopGradient(d.rep), stopGradient(d.latent as tf.Tensor)];
    });
    return recordLogSpace(value, this.logSpace, rep, { dist: this, latent });
  }

  /** Straight-through draw: the one-hot h(x) forward, the relaxed z's gradient backward (docs/math.md section 5). */
  rsampleStraightThrough(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    const [value, rep, latent] = tf.tidy(() => {
      const d = this.rsampleDetailed(rng, sampleShape);
      return [straightThrough(d.hard, d.z), d.logZ, d.y];
    });
    // The density of a straight-through draw is that of its soft sample, whose log z (and y) are recorded.
    return recordLogSpace(value, this.logSpace, rep, { dist: this, latent });
  }

  /** Σ over the K-1 coordinates of log N(y | μ, σ²): shape [...]. */
  gaussianLogProb(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sum(normalLogDensity(y, this.mu, this.sigma), -1));
  }

  /** log q(z) for z = g(y), from the Gaussian draw y (exact at any τ; IGR eq. (12)). */
  logProbFromLatent(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { x, logDet } = this.preTransform(y);
      const softmaxTerm = softmaxPlusPlusLogDetFromLog(logSoftmaxPlusPlus(x, this.tau, this.delta), this.tau);
      return tf.sub(tf.sub(this.gaussianLogProb(y), logDet()), softmaxTerm);
    });
  }

  /** The Gaussian point y with g(y) = z (entries of z that underflowed are floored; see the file comment). */
  latentOf(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.preInverse(softmaxPlusPlusInverse(asValue(z), this.tau, this.delta)));
  }

  /** log q(z), summed over the event: [...]. Exact while all entries of z are normal float32 numbers. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.logProbFromLatent(this.latentOf(value)));
  }

  /** log q(z) from log z (e.g. IgrDraw.logZ): exact at any τ. */
  logProbFromLog(logZ: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.logProbFromLatent(this.preInverse(softmaxPlusPlusInverseLog(logZ, this.tau, this.delta))));
  }

  /** The discrete distribution this IGR relaxes, P(H = k) [...batch, K] (docs/math.md section 5). */
  abstract discreteProbs(rng?: RandomStream, samples?: number): tf.Tensor;
}
