/**
 * IGR_SB(mu, sigma, tau, delta, rho): z = softmax++(SB(sigmoid(μ + σ ε)), τ, δ) (IGR paper eq. (16)-(18),
 * v1 eq. (22)-(24); docs/math.md sections 2 and 3); SB keeps its K-1 sticks, the remainder is not fed to softmax++.
 * log|det| = sigmoid term + stick-breaking term + softmax++ term at the sticks.
 *
 * Countably infinite support (IGR paper, Potapczynski, Loaiza-Ganem, Cunningham, arXiv:1912.09588, eq. (19) of v2,
 * eq. (25) of v1): with rho set, μ and σ give the MAXIMUM number of sticks, and each draw uses n(ε) of them: the K
 * with Σ_{k<K} g(y, τ)_k ≤ ρ < Σ_{k≤K} g(y, τ)_k, where g(y, τ) = softmax++(w/τ) is the IGR-SB output z itself
 * (eq. (18)), i.e. n = 1 + #{k : Σ_{i≤k} z_i ≤ ρ} over the K-1 stick categories, capped at K-1.
 * **Decision:** that rule ('softmax', the paper's) is the default. The authors' code sums the sticks w instead of z
 * ('sticks': n = 1 + #{k : Σ_{i≤k} w_i ≤ ρ}); select it with `truncationRule: 'sticks'` (or `sgm eval
 * --truncation-rule sticks`). The two differ a lot at low τ: z is nearly one-hot, so its cumulative sum passes ρ
 * at the chosen category, while the sticks of a Poisson(50) fit spread their mass over all categories and the
 * code's rule always reaches the cap.
 * `rsampleDetailed` reports, per draw, categoriesUsed = n(ε) + 1 (softmax++ adds one category), and
 * `truncation`, the TRUNCATION_QUANTILE quantile of categoriesUsed over all draws of the call (the authors' code
 * uses the 70th percentile), with `truncatedZ` = softmax++ of the first truncation - 1 sticks: [..., truncation],
 * the authors' sample.
 * **Decision:** rsample/logProb keep the full static shape [..., K] (the compiler's shapes are static); the
 * truncated view is an extra of the detailed draw. The KL (igr-igr) is that of all K-1 Gaussians.
 */
import type { RandomStream } from '../random.js';
import { igrDiscreteProbsMonteCarlo } from '../igr/discrete-recovery.js';
import { sbLatentUnder } from '../igr/sb-rescale.js';
import { tf } from '../tf.js';
import { logSoftmaxPlusPlus, softmaxPlusPlusInverseLog } from '../transforms/softmax-plus-plus.js';
import { logOneMinusSigmoid, logSigmoid, logit, sigmoidLogDet } from '../transforms/sigmoid.js';
import {
  logStickBreakingFromLogs,
  stickBreakingInverse,
  stickBreakingLogDetFromLog1mU,
} from '../transforms/stick-breaking.js';
import { MIN_PROB, detached } from './discrete-params.js';
import { IgrBase, type IgrDraw, type IgrParams, type PreTransformResult } from './igr-base.js';

/** Named parameters of IGR_SB. */
export interface IgrSbParams extends IgrParams {
  /** Countably infinite version: the cumulative stick mass at which a draw stops using categories, in (0, 1). */
  readonly rho?: number;
  /** What the truncation sums: 'softmax' (z = g(y, τ), the paper's eq. (19); default) or 'sticks' (w, the authors' code). */
  readonly truncationRule?: IgrSbTruncationRule;
}

/** The two truncation rules of the countably infinite IGR_SB (see the file comment). */
export type IgrSbTruncationRule = 'softmax' | 'sticks';
export const IGR_SB_TRUNCATION_RULES: readonly IgrSbTruncationRule[] = ['softmax', 'sticks'];

/** An IGR_SB draw; with rho, also the truncation it used. */
export type IgrSbDraw = IgrDraw & {
  /** Per draw: sticks used + 1 (int32, [...sampleShape, ...batchShape]); only with rho. */
  readonly categoriesUsed?: tf.Tensor;
  /** The quantile of categoriesUsed over the draws of this call; only with rho. */
  readonly truncation?: number;
  /** softmax++ of the first truncation - 1 sticks, [..., truncation]; only with rho. */
  readonly truncatedZ?: tf.Tensor;
};

// Sticks recovered by inverting softmax++ at low τ can fall outside (0, 1); keep logit finite.
const U_MAX = 1 - 2 ** -24;

/** IGR with stick-breaking (finite K, or the countably infinite truncation with rho). */
export class IGR_SB extends IgrBase {
  /** Quantile of the per-draw category counts reported as `truncation` (the authors use 0.7). */
  static readonly TRUNCATION_QUANTILE = 0.7;
  /** Countably infinite version's precision ρ, or undefined for the finite version. */
  readonly rho: number | undefined;
  /** What the truncation of the countably infinite version sums (default 'softmax', the paper's rule). */
  readonly truncationRule: IgrSbTruncationRule;

  constructor(params: IgrSbParams) {
    super('IGR_SB', params);
    if (params.rho !== undefined && !(params.rho > 0 && params.rho < 1)) {
      throw new RangeError(`IGR_SB: rho must lie in (0, 1), got ${params.rho}`);
    }
    this.rho = params.rho;
    const rule = params.truncationRule ?? 'softmax';
    if (!IGR_SB_TRUNCATION_RULES.includes(rule)) {
      throw new RangeError(`IGR_SB: truncationRule must be one of ${IGR_SB_TRUNCATION_RULES.join(', ')}, got ${String(rule)}`);
    }
    this.truncationRule = rule;
  }

  protected preTransform(y: tf.Tensor): PreTransformResult {
    const log1mU = logOneMinusSigmoid(y);
    const logV = logStickBreakingFromLogs(logSigmoid(y), log1mU);
    const k = this.numCategories;
    const sticks = tf.exp(tf.slice(logV, new Array(logV.rank).fill(0), [...logV.shape.slice(0, -1), k - 1]));
    return { x: sticks, logDet: () => tf.add(sigmoidLogDet(y), stickBreakingLogDetFromLog1mU(log1mU)) };
  }

  protected preInverse(x: tf.Tensor): tf.Tensor {
    // The remainder as 1 - Σ sticks is the only information left once softmax++ has been inverted; floor it
    // (and the sticks) at the smallest normal float32 so the inverse stays finite.
    const sticks = tf.maximum(x, MIN_PROB);
    const remainder = tf.maximum(tf.sub(1, tf.sum(sticks, -1, true)), MIN_PROB);
    const u = tf.clipByValue(stickBreakingInverse(tf.concat([sticks, remainder], -1)), MIN_PROB, U_MAX);
    return logit(u);
  }

  /**
   * log q(z) from log z, -inf where z is outside IGR_SB's support. softmax++ of sticks reaches only the z whose
   * sticks w_k = τ (log z_k - log z_K + log δ) are positive with Σ w < 1 (IGR eq. (16)-(18)); a point drawn from
   * another distribution (an IGR_SB at a larger τ, an IGR_I, a Gumbel-Softmax) can lie outside, where the density
   * is 0, not the floored value preInverse would give. The tolerance 1e-4 absorbs the float32 error of
   * τ·(log z_k - log z_K) (|log z| up to ~1e4 at τ = 0.01) on the support's own draws.
   */
  override logProbFromLog(logZ: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lp = super.logProbFromLog(logZ);
      const outside = detached((l) => {
        const w = softmaxPlusPlusInverseLog(l, this.tau, this.delta);
        return tf.logicalOr(tf.greater(tf.sum(w, -1), 1 + 1e-4), tf.any(tf.less(w, -1e-4), -1));
      }, logZ);
      return tf.where(outside, tf.fill(lp.shape, -Infinity), lp);
    });
  }

  /**
   * log p(z) at a draw of another IGR_SB `source` with Gaussian y: from p's pre-image of that draw, computed
   * without cancellation (igr/sb-rescale.ts); undefined when the draws can leave this support or `source` is no
   * IGR_SB (then the caller scores log z).
   */
  logProbOfDrawOf(source: object, latent: tf.Tensor): tf.Tensor | undefined {
    if (!(source instanceof IGR_SB)) return undefined;
    const y = sbLatentUnder(latent, source.tau, source.delta, this.tau, this.delta);
    if (!y) return undefined;
    return tf.tidy(() => this.logProbFromLatent(y));
  }

  override rsampleDetailed(rng: RandomStream, sampleShape: readonly number[] = []): IgrSbDraw {
    const draw = super.rsampleDetailed(rng, sampleShape);
    const rho = this.rho;
    if (rho === undefined) return draw;
    return tf.tidy(() => {
      const sticks = this.numCategories - 1;
      // The summed entries: the first K-1 entries of z = g(y, τ) (paper), or the sticks w (authors' code).
      const summed = this.truncationRule === 'sticks' ? draw.x : tf.slice(draw.z, new Array(draw.z.rank).fill(0), [...draw.z.shape.slice(0, -1), sticks]);
      const below = tf.sum(tf.cast(tf.lessEqual(tf.cumsum(summed, summed.rank - 1), rho), 'int32'), -1);
      const categoriesUsed = tf.add(tf.minimum(tf.add(below, 1), sticks), 1);
      const sorted = Array.from(categoriesUsed.dataSync()).sort((a, b) => a - b);
      const truncation = sorted[Math.max(0, Math.ceil(IGR_SB.TRUNCATION_QUANTILE * sorted.length) - 1)];
      const head = tf.slice(draw.x, new Array(draw.x.rank).fill(0), [...draw.x.shape.slice(0, -1), truncation - 1]);
      const truncatedZ = tf.exp(logSoftmaxPlusPlus(head, this.tau, this.delta));
      return { ...draw, categoriesUsed, truncation, truncatedZ };
    });
  }

  /** Monte Carlo recovery: mean of h(x) over `samples` draws (docs/math.md section 5), [...batch, K]. */
  discreteProbs(rng?: RandomStream, samples = 1000): tf.Tensor {
    if (!rng) throw new TypeError('IGR_SB.discreteProbs needs a RandomStream (Monte Carlo recovery)');
    return igrDiscreteProbsMonteCarlo(this, rng, samples);
  }
}
