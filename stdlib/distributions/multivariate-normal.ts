/**
 * MultivariateNormal(loc, scale_tril): N(μ, L Lᵀ) over the last axis, with L the lower-triangular Cholesky factor
 * of the covariance (torch.distributions.MultivariateNormal's scale_tril; TFP's MultivariateNormalTriL). Only the
 * lower triangle of scale_tril is read; its diagonal must be non-zero (positive by convention). Reparameterized by
 * location-scale: x = μ + L ε, ε ~ N(0, I). The covariance_matrix and precision_matrix forms of torch are not
 * offered: a Cholesky factor is what a guide network can output without a factorisation in the training loop.
 */
import type { RandomStream } from '../random.js';
import { LOG_SQRT_2PI } from '../special/normal.js';
import { lowerTriangle, matrixDiagonal, solveLowerTriangular } from '../special/triangular.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asTensor, asValue, broadcastShapes, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';

/** Named parameters of MultivariateNormal. */
export interface MultivariateNormalParams {
  /** μ, [..., D]. */
  readonly loc: TensorInput;
  /** L, [..., D, D], lower triangular with a non-zero diagonal. */
  readonly scale_tril: TensorInput;
}

/** The multivariate Normal with a Cholesky-factor scale; event shape [D]. */
export class MultivariateNormal extends Distribution {
  readonly signature = signatureOf('MultivariateNormal');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly loc: tf.Tensor;
  /** The lower triangle of scale_tril. */
  readonly scaleTril: tf.Tensor;

  constructor({ loc, scale_tril }: MultivariateNormalParams) {
    super();
    if (loc === undefined || scale_tril === undefined) throw new TypeError("MultivariateNormal needs 'loc' and 'scale_tril'");
    this.loc = asTensor(loc);
    const l = asTensor(scale_tril);
    const d = this.loc.shape[this.loc.rank - 1];
    if (this.loc.rank < 1 || l.rank < 2 || l.shape[l.rank - 1] !== d || l.shape[l.rank - 2] !== d) {
      throw new RangeError(`MultivariateNormal: loc [..., D] and scale_tril [..., D, D] expected, got [${this.loc.shape}] and [${l.shape}]`);
    }
    if (Array.isArray(scale_tril)) {
      // A constant factor is checked here; a computed one cannot be without a read (the compiler's constraint is
      // 'lower_cholesky'): a zero on the diagonal makes the covariance singular and the density infinite.
      const values = l.dataSync();
      const diagonal = Array.from({ length: values.length / d }, (_, r) => values[r * d + (r % d)]);
      if (diagonal.some((v) => !(v !== 0 && Number.isFinite(v)))) throw new RangeError('MultivariateNormal: the diagonal of scale_tril must be non-zero');
    }
    this.scaleTril = lowerTriangle(l);
    this.batchShape = broadcastShapes(this.loc.shape.slice(0, -1), l.shape.slice(0, -2));
    this.eventShape = [d];
  }

  /** μ + L ε: gradients flow to μ and L. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const eps = rng.normal([...sampleShape, ...this.batchShape, ...this.eventShape]);
      // (L ε)_i = Σ_j L_ij ε_j as a broadcast product: batched matmul without relying on matMul's broadcasting.
      return tf.add(this.loc, tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1));
    });
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** -½ |L⁻¹(x - μ)|² - Σ log|L_ii| - D/2 log(2π), by forward substitution (no inverse is formed). */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const diff = tf.sub(asValue(value), this.loc);
      const y = tf.squeeze(solveLowerTriangular(this.scaleTril, tf.expandDims(diff, -1)), [-1]);
      const maha = tf.sum(tf.square(y), -1);
      return tf.sub(tf.mul(maha, -0.5), tf.add(this.halfLogDet(), this.eventShape[0] * LOG_SQRT_2PI));
    });
  }

  /** ½ log det(L Lᵀ) = Σ log|L_ii|, shape batchShape. */
  halfLogDet(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.log(tf.abs(matrixDiagonal(this.scaleTril))), -1));
  }

  /** μ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]));
  }

  /** D/2 (1 + log 2π) + Σ log|L_ii|. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(this.halfLogDet(), this.eventShape[0] * (0.5 + LOG_SQRT_2PI)), [...this.batchShape]));
  }
}
