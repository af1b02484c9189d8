/**
 * KL(α(μ, σ) ‖ p) between the DISCRETE distribution an IGR_I guide stands for and a one-hot categorical prior
 * (rule 'igr-discrete-categorical'): used when the guide draws the discrete H = h(y) of Proposition 1 rather than a
 * relaxed value, i.e. under `with relax` on an IGR_I latent (RELAX over IGR, IGR paper appendix D; Potapczynski,
 * Loaiza-Ganem, Cunningham, "Invertible Gaussian Reparameterization: Revisiting the Gumbel-Softmax",
 * arXiv:1912.09588). α(μ, σ) is Proposition 2's mass, by the differentiable quadrature of
 * stdlib/igr/discrete-log-probs.ts, so the KL is exact up to quadrature and its gradient in (μ, σ) is pathwise,
 * as the authors' code computes it (the analytic discrete KL to the prior). Not a pair rule of rules.ts: an IGR_I
 * guide drawing relaxed values has no KL to a pmf (SGM5004); the analysis picks this rule only from the
 * estimator's decision (compiler/estimators/relax.ts).
 */
import type { Distribution } from '../distributions/distribution.js';
import type { IgrBase } from '../distributions/igr-base.js';
import { OneHotCategorical } from '../distributions/one-hot-categorical.js';
import { igrLogProbs, sharedDiscreteLogProbs } from '../igr/discrete-log-probs.js';
import { tf } from '../tf.js';
import { categoricalKlFromLogits } from './categorical-categorical.js';
import type { KlCompute } from './kl-compute.js';

/** log of the smallest mass kept: a category whose quadrature underflows contributes exactly 0 to Σ α (log α − log p). */
const LOG_FLOOR = -80;

function igrGaussian(d: Distribution): IgrBase {
  const g = d as Partial<IgrBase>;
  if (!(g.mu instanceof tf.Tensor) || !(g.sigma instanceof tf.Tensor)) throw new TypeError(`IGR discrete KL: expected an IGR_I posterior, got ${d.name}`);
  return d as IgrBase;
}

/** Closed-form (up to quadrature) KL of Proposition 2's discrete distribution to a one-hot categorical prior. */
export const klIgrDiscreteCategorical: KlCompute = (q, p) =>
  tf.tidy(() => {
    if (!(p instanceof OneHotCategorical)) throw new TypeError(`IGR discrete KL: expected a OneHotCategorical prior, got ${p.name}`);
    const g = igrGaussian(q);
    // Floored in log space (float32: log α of a far category is ~ −1e3 and exp of it is 0; the floor keeps the
    // product α·(log α − log p) at 0 there instead of 0·(−∞)).
    // The estimator's quadrature of this step when it shared one (same μ, σ), else a new one.
    const logQ = tf.maximum(sharedDiscreteLogProbs(q) ?? igrLogProbs(g.mu, g.sigma), LOG_FLOOR);
    return categoricalKlFromLogits(logQ, p.logits);
  });
