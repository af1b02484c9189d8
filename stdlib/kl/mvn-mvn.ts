/**
 * KL between multivariate Normals (rule 'mvn-mvn'), per batch element (standard):
 *   KL(N(μ, LLᵀ) ‖ N(μ₀, L₀L₀ᵀ)) = ½ (|L₀⁻¹L|²_F + |L₀⁻¹(μ - μ₀)|² - D) + Σ log|L₀,ii| - Σ log|L_ii|,
 * with the inverse applied by forward substitution (stdlib/special/triangular.ts), never formed. A
 * MultivariateNormalDiag enters with L = diag(s); two diagonal ones use the elementwise Gaussian KL (gaussian-kl.ts),
 * which is exact to float32 rounding also for nearly equal scales.
 */
import type { Distribution } from '../distributions/distribution.js';
import { MultivariateNormalDiag } from '../distributions/multivariate-normal-diag.js';
import { MultivariateNormal } from '../distributions/multivariate-normal.js';
import { matrixDiagonal, solveLowerTriangular } from '../special/triangular.js';
import { tf } from '../tf.js';
import { gaussianKl } from './gaussian-kl.js';
import type { KlCompute } from './kl-compute.js';

/** μ [..., D] and the lower-triangular L [..., D, D] of either form. */
function locScale(d: Distribution): { loc: tf.Tensor; tril: tf.Tensor } {
  if (d instanceof MultivariateNormal) return { loc: d.loc, tril: d.scaleTril };
  if (d instanceof MultivariateNormalDiag) {
    const s = tf.broadcastTo(d.scaleDiag, [...d.batchShape, ...d.eventShape]);
    return { loc: d.loc, tril: tf.mul(tf.expandDims(s, -1), tf.eye(d.eventShape[0])) };
  }
  throw new TypeError(`multivariate Normal KL: expected MultivariateNormal or MultivariateNormalDiag, got ${d.name}`);
}

export const klMvnMvn: KlCompute = (qd, pd) =>
  tf.tidy(() => {
    if (qd instanceof MultivariateNormalDiag && pd instanceof MultivariateNormalDiag) {
      return gaussianKl(qd.loc, qd.scaleDiag, pd.loc, pd.scaleDiag);
    }
    const q = locScale(qd);
    const p = locScale(pd);
    const dim = q.loc.shape[q.loc.rank - 1];
    const m = solveLowerTriangular(p.tril, q.tril);
    const y = solveLowerTriangular(p.tril, tf.expandDims(tf.sub(q.loc, p.loc), -1));
    const trace = tf.sum(tf.square(m), [-2, -1]);
    const maha = tf.sum(tf.square(y), [-2, -1]);
    const logDet = tf.sub(
      tf.sum(tf.log(tf.abs(matrixDiagonal(p.tril))), -1),
      tf.sum(tf.log(tf.abs(matrixDiagonal(q.tril))), -1),
    );
    return tf.add(tf.mul(tf.sub(tf.add(trace, maha), dim), 0.5), logDet);
  });
