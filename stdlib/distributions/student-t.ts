/**
 * StudentT(df, loc, scale): x = μ + σ t, t Student-t with ν degrees of freedom, elementwise.
 * Reparameterized as t = ε / √(V/ν), ε ~ N(0, 1), V ~ χ²(ν) = 2 Gamma(ν/2, 1) (as torch.distributions.StudentT):
 * gradients to μ and σ are pathwise, and the gradient to ν is reparameterized too, through the implicit gradient
 * of the Gamma draw (gamma-sampler.ts). The Gamma is drawn in log space, so √(ν/V) = exp(½(log ν - log 2 - log G))
 * stays finite for small ν, where G is often below float32's smallest number.
 */
import type { RandomStream } from '../random.js';
import { digamma, lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, broadcastShapes, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { logStandardGamma } from './gamma-sampler.js';
import { requirePositive } from './positive.js';

/** Named parameters of StudentT. */
export interface StudentTParams {
  /** ν > 0, degrees of freedom. */
  readonly df: TensorInput;
  /** μ (default 0). */
  readonly loc?: TensorInput;
  /** σ > 0 (default 1). */
  readonly scale?: TensorInput;
}

/** The Student-t distribution; batch shape = broadcast of ν, μ and σ, event shape []. */
export class StudentT extends Distribution {
  readonly signature = signatureOf('StudentT');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly df: tf.Tensor;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor({ df, loc = 0, scale = 1 }: StudentTParams) {
    super();
    this.df = requirePositive('StudentT', 'df', df);
    this.loc = asTensor(loc);
    this.scale = requirePositive('StudentT', 'scale', scale);
    this.batchShape = broadcastShapes(this.df.shape, this.loc.shape, this.scale.shape);
  }

  /** μ + σ ε exp(½(log ν - log 2 - log G)), G ~ Gamma(ν/2, 1). */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const shape = [...sampleShape, ...this.batchShape];
      const logG = logStandardGamma(rng, tf.mul(this.df, 0.5), sampleShape, this.batchShape);
      const eps = rng.normal(shape);
      const factor = tf.exp(tf.mul(tf.sub(tf.sub(tf.log(this.df), Math.LN2), logG), 0.5));
      return tf.add(this.loc, tf.mul(this.scale, tf.mul(eps, factor)));
    });
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** log Γ((ν+1)/2) - log Γ(ν/2) - ½ log(νπ) - log σ - (ν+1)/2 · log1p(((x - μ)/σ)²/ν). */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const nu = this.df;
      const z = tf.div(tf.sub(asValue(value), this.loc), this.scale);
      const half = tf.mul(tf.add(nu, 1), 0.5);
      const norm = tf.sub(tf.sub(lgamma(half), lgamma(tf.mul(nu, 0.5))), tf.add(tf.mul(tf.log(tf.mul(nu, Math.PI)), 0.5), tf.log(this.scale)));
      // log1p keeps the centre, where z²/ν ≪ 1, accurate.
      return tf.sub(norm, tf.mul(half, tf.log1p(tf.div(tf.square(z), nu))));
    });
  }

  /** μ for ν > 1, NaN otherwise (no mean). */
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const m = tf.broadcastTo(this.loc, [...this.batchShape]);
      return tf.where(tf.broadcastTo(tf.greater(this.df, 1), m.shape), m, tf.fill(m.shape, NaN));
    });
  }

  /** (ν+1)/2 (ψ((ν+1)/2) - ψ(ν/2)) + ½ log ν + log B(ν/2, ½) + log σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const nu = this.df;
      const a = tf.mul(nu, 0.5);
      const b = tf.mul(tf.add(nu, 1), 0.5);
      const logBeta = tf.sub(tf.add(lgamma(a), 0.5 * Math.log(Math.PI)), lgamma(b));
      const h = tf.add(tf.mul(b, tf.sub(digamma(b), digamma(a))), tf.add(tf.mul(tf.log(nu), 0.5), tf.add(logBeta, tf.log(this.scale))));
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }
}
