/**
 * KL(q ‖ p) for an IGR_Planar posterior (rule 'igr-planar-gaussian-mc'; docs/math.md section 4). softmax++ (same τ,
 * δ) is shared by both sides, so the KL is that of the softmax++ inputs x, estimated by Monte Carlo with
 * y ~ N(μ, σ²), x = f(y):
 *   log q_x(x) = log N(y | μ, σ²) - log|det f'(y)|,
 *   log p_x(x) = log N(x | μ₀, σ₀²)                               (p = IGR_I: a Gaussian on the flow output),
 *              = log N(f₀⁻¹(x) | μ₀, σ₀²) - log|det f₀'(f₀⁻¹(x))|   (p = IGR_Planar with its own flow f₀).
 * Sticking the landing (Roeder et al. 2017; IGR paper section 5 "+ SL"): with stickingTheLanding, μ and σ enter
 * log q only through the sample y (their direct score-function term, zero in expectation, is dropped).
 */
import type { Distribution } from '../distributions/distribution.js';
import { stopGradient } from '../distributions/discrete-params.js';
import { IGR_I } from '../distributions/igr-i.js';
import { IGR_Planar } from '../distributions/igr-planar.js';
import { normalLogDensity } from '../special/normal.js';
import { tf } from '../tf.js';
import { planarFlowInverse, planarFlowLogDet, planarFlowWithLogDet } from '../transforms/planar-flow.js';
import type { KlOptions } from './kl-compute.js';
import { mcSettings } from './mc-samples.js';

/** KlOptions plus the sticking-the-landing switch. */
export interface IgrPlanarKlOptions extends KlOptions {
  /** Stop the gradients of μ, σ inside log q (default false). */
  readonly stickingTheLanding?: boolean;
}

/** Monte Carlo estimate over options.samples draws, batch-shaped (event axis summed); a KlCompute. */
export const klIgrPlanarGaussianMc = (qd: Distribution, pd: Distribution, options: IgrPlanarKlOptions): tf.Tensor =>
  tf.tidy(() => {
    const { rng, samples } = mcSettings(options, 'igr-planar-gaussian-mc');
    if (!(qd instanceof IGR_Planar)) throw new TypeError(`planar IGR KL: expected an IGR_Planar posterior, got ${qd.name}`);
    if (!(pd instanceof IGR_I || pd instanceof IGR_Planar)) {
      throw new TypeError(`planar IGR KL: expected an IGR_I or IGR_Planar prior, got ${pd.name}`);
    }
    if (qd.numCategories !== pd.numCategories) {
      throw new RangeError(`planar IGR KL needs the same K on both sides (${qd.numCategories} vs ${pd.numCategories})`);
    }
    const q = qd;
    const stl = options.stickingTheLanding === true;
    const y = q.rsampleDetailed(rng, [samples]).y;
    const { value: x, logDet } = planarFlowWithLogDet(y, q.flow);
    const [mu, sigma] = stl ? [stopGradient(q.mu), stopGradient(q.sigma)] : [q.mu, q.sigma];
    const logQ = tf.sub(tf.sum(normalLogDensity(y, mu, sigma), -1), logDet);
    let logP: tf.Tensor;
    if (pd instanceof IGR_Planar) {
      const y0 = planarFlowInverse(x, pd.flow);
      logP = tf.sub(pd.gaussianLogProb(y0), planarFlowLogDet(y0, pd.flow));
    } else {
      logP = pd.gaussianLogProb(x);
    }
    return tf.mean(tf.sub(logQ, logP), 0);
  });
