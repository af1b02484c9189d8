/**
 * MultivariateNormalDiag(loc, scale_diag): N(μ, diag(s²)) over the last axis (TFP's name; in torch,
 * Independent(Normal(loc, scale), 1)). The same draws and densities as Normal(loc, scale) summed over the last
 * axis, as one event of D coordinates, so that it pairs with MultivariateNormal in KL terms.
 */
import type { RandomStream } from '../random.js';
import { LOG_SQRT_2PI, normalLogDensity } from '../special/normal.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, broadcastShapes, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { requirePositive } from './positive.js';

/** Named parameters of MultivariateNormalDiag. */
export interface MultivariateNormalDiagParams {
  /** μ, [..., D]. */
  readonly loc: TensorInput;
  /** s > 0, broadcast with μ. */
  readonly scale_diag: TensorInput;
}

/** The diagonal multivariate Normal; event shape [D]. */
export class MultivariateNormalDiag extends Distribution {
  readonly signature = signatureOf('MultivariateNormalDiag');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly loc: tf.Tensor;
  readonly scaleDiag: tf.Tensor;

  constructor({ loc, scale_diag }: MultivariateNormalDiagParams) {
    super();
    if (loc === undefined) throw new TypeError("MultivariateNormalDiag needs 'loc'");
    this.loc = asTensor(loc);
    this.scaleDiag = requirePositive('MultivariateNormalDiag', 'scale_diag', scale_diag);
    const shape = broadcastShapes(this.loc.shape, this.scaleDiag.shape);
    if (shape.length < 1) throw new RangeError('MultivariateNormalDiag: loc needs an event axis (rank ≥ 1)');
    this.batchShape = shape.slice(0, -1);
    this.eventShape = shape.slice(-1);
  }

  /** The full shape [...batchShape, D]. */
  private get fullShape(): number[] {
    return [...this.batchShape, ...this.eventShape];
  }

  /** μ + s ε. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scaleDiag, rng.normal([...sampleShape, ...this.fullShape]))));
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** Σ_i log N(x_i | μ_i, s_i²) over the last axis. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sum(normalLogDensity(asValue(value), this.loc, this.scaleDiag), -1));
  }

  /** μ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, this.fullShape));
  }

  /** s², per coordinate (MixtureSameFamily's variance reads it). */
  variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scaleDiag), this.fullShape));
  }

  /** Σ_i (½ + ½ log 2π + log s_i). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.add(tf.broadcastTo(tf.log(this.scaleDiag), this.fullShape), 0.5 + LOG_SQRT_2PI), -1));
  }
}
