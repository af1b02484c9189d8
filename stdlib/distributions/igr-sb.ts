/**
 * IGR_SB(mu, sigma, tau, delta, rho): z = softmax++(SB(sigmoid(μ + σ ε)), τ, δ) (IGR paper eq. (16)-(18),
 * v1 eq. (22)-(24); docs/math.md sections 2 and 3); SB keeps its K-1 sticks, the remainder is not fed to softmax++.
 * log|det| = sigmoid term + stick-breaking term + softmax++ term at the sticks.
 *
 * Countably infinite support (IGR eq. (19), v1 eq. (25)): with rho set, μ and σ give the MAXIMUM number of
 * sticks, and each draw uses n(ε) = 1 + #{k : Σ_{i≤k} w_i ≤ ρ} of them (capped at K-1): the sticks up to and
 * including the one that carries the cumulative mass past ρ. `rsampleDetailed` reports, per draw,
 * categoriesUsed = n(ε) + 1 (softmax++ adds one category), and `truncation`, the TRUNCATION_QUANTILE
 * quantile of categoriesUsed over all draws of the call (the authors' code uses the 70th percentile), with
 * `truncatedZ` = softmax++ of the first truncation - 1 sticks: [..., truncation], the authors' sample.
 * **Decision:** rsample/logProb keep the full static shape [..., K] (the compiler's shapes are static); the
 * truncated view is an extra of the detailed draw. The KL (igr-igr) is that of all K-1 Gaussians.
 */
import type { RandomStream } from '../random.js';
import { igrDiscreteProbsMonteCarlo } from '../igr/discrete-recovery.js';
import { tf } from '../tf.js';
import { logSoftmaxPlusPlus } from '../transforms/softmax-plus-plus.js';
import { logOneMinusSigmoid, logSigmoid, logit, sigmoidLogDet } from '../transforms/sigmoid.js';
import {
  logStickBreakingFromLogs,
  stickBreakingInverse,
  stickBreakingLogDetFromLog1mU,
} from '../transforms/stick-breaking.js';
import { MIN_PROB } from './discrete-params.js';
import { IgrBase, type IgrDraw, type IgrParams, type PreTransformResult } from './igr-base.js';

/** Named parameters of IGR_SB. */
export interface IgrSbParams extends IgrParams {
  /** Countably infinite version: the cumulative stick mass at which a draw stops using categories, in (0, 1). */
  readonly rho?: number;
}

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

  constructor(params: IgrSbParams) {
    super('IGR_SB', params);
    if (params.rho !== undefined && !(params.rho > 0 && params.rho < 1)) {
      throw new RangeError(`IGR_SB: rho must lie in (0, 1), got ${params.rho}`);
    }
    this.rho = params.rho;
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

  override rsampleDetailed(rng: RandomStream, sampleShape: readonly number[] = []): IgrSbDraw {
    const draw = super.rsampleDetailed(rng, sampleShape);
    const rho = this.rho;
    if (rho === undefined) return draw;
    return tf.tidy(() => {
      const sticks = this.numCategories - 1;
      const below = tf.sum(tf.cast(tf.lessEqual(tf.cumsum(draw.x, draw.x.rank - 1), rho), 'int32'), -1);
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
