/**
 * IGR_I(mu, sigma, tau, delta): z = softmax++(μ + σ ε, τ, δ), the identity transform before softmax++
 * (IGR paper eq. (15), v1 eq. (21); docs/math.md sections 1 and 3). Its discrete counterpart has the closed form of
 * Proposition 2 (igrDiscreteProbs).
 */
import { igrDiscreteProbs } from '../igr/discrete-recovery.js';
import { tf } from '../tf.js';
import { IgrBase, type IgrParams, type PreTransformResult } from './igr-base.js';

/** IGR with the identity transform. */
export class IGR_I extends IgrBase {
  constructor(params: IgrParams) {
    super('IGR_I', params);
  }

  protected preTransform(y: tf.Tensor): PreTransformResult {
    return { x: y, logDet: () => tf.zeros(y.shape.slice(0, -1)) };
  }

  protected preInverse(x: tf.Tensor): tf.Tensor {
    return x;
  }

  /** P(H = k) by Proposition 2 (quadrature, no sampling; arguments ignored): [...batch, K], no gradient. */
  discreteProbs(): tf.Tensor {
    return igrDiscreteProbs(this.mu, this.sigma);
  }
}
