/**
 * fit_prior with a scheduled temperature (`z ~ fit_prior(IGR_I, Categorical(uniform(K)), anneal(1 -> 0.1, steps = n))`):
 * the moment-matched prior at the CURRENT τ of every step (docs/language.md, "fit_prior"; docs/math.md section 4).
 *
 * Decision: a fixed logarithmic grid of τ nodes, 10^(j/G) for whole j (G = `nodesPerDecade`, default 8: nodes
 * 1.33x apart), fitted lazily and cached, with μ and log σ interpolated linearly in log τ between the two nodes
 * around the current τ. Each node is an ordinary `fitPrior` fit (same noise, same per-user disk cache), so a run
 * annealing τ from 1 to 0.1 fits 9 nodes once, ever, and every step reads the prior in microseconds; a τ on a
 * node gets that node's fit exactly. Refitting every N steps was rejected: it stalls training each time, holds a
 * stale prior in between, and makes the prior depend on N and on where a run was resumed. The grid does not need
 * the schedule's range at compile time (nodes are fitted as τ reaches them), and it is the same for every
 * schedule, so runs with different schedules share the cache. Accuracy (test/stdlib/fit-prior-schedule.test.ts,
 * docs/math.md section 4): at the midpoints between nodes the interpolated prior's moment-matching error is of
 * the order of a direct fit's own error (the Monte Carlo and optimiser floor), measured there.
 * With `fit_tau` the fit does not depend on τ at all: one fit at fit_tau serves every step.
 */
import { fitPrior, type FitPriorOptions, type FitPriorResult, type PriorFamily } from './fit-prior.js';
import { IGR_I } from './distributions/igr-i.js';
import { IGR_SB } from './distributions/igr-sb.js';
import { tf } from './tf.js';

/** Options of a scheduled fit: those of fitPrior, plus the grid's density. */
export interface ScheduledPriorOptions extends FitPriorOptions {
  /** Grid nodes per factor of 10 in τ (default 8). */
  readonly nodesPerDecade?: number;
}

/** The Gaussian parameters of the prior at one τ, and the grid nodes they come from. */
export interface PriorParamsAt {
  readonly mu: number[];
  readonly sigma: number[];
  /** The node temperatures interpolated between (one node when τ is on it, or with fit_tau). */
  readonly nodes: readonly number[];
}

/** Default grid density: nodes 10^(1/8) ≈ 1.33x apart. */
export const DEFAULT_NODES_PER_DECADE = 8;

/** fit_prior over a schedule of τ (see the module comment); `at(τ)` is the prior distribution at that τ. */
export class ScheduledPrior {
  readonly family: PriorFamily;
  readonly target: readonly number[];
  private readonly options: ScheduledPriorOptions;
  private readonly perDecade: number;
  private readonly fits = new Map<number, FitPriorResult>();

  constructor(family: PriorFamily, target: readonly number[], options: ScheduledPriorOptions = {}) {
    this.family = family;
    this.target = target;
    this.options = options;
    this.perDecade = options.nodesPerDecade ?? DEFAULT_NODES_PER_DECADE;
    if (!Number.isInteger(this.perDecade) || this.perDecade < 1) throw new RangeError(`fitPriorSchedule: nodesPerDecade must be a whole number >= 1, got ${this.perDecade}`);
  }

  /** The temperature of grid node j: 10^(j/G), rounded to 12 digits so it is one stable cache key. */
  nodeTau(j: number): number {
    return Number((10 ** (j / this.perDecade)).toPrecision(12));
  }

  /** The fit at node j (from memory, the disk cache, or fitted now). */
  private node(j: number): FitPriorResult {
    let fit = this.fits.get(j);
    if (fit === undefined) {
      fit = fitPrior(this.family, this.target, this.nodeTau(j), this.options);
      this.fits.set(j, fit);
    }
    return fit;
  }

  /** μ and σ of the moment-matched prior at `tau` (interpolated in log τ; see the module comment). */
  paramsAt(tau: number): PriorParamsAt {
    if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`fit_prior: the scheduled tau must be a positive number, got ${tau}`);
    if (this.options.fitTau !== undefined) {
      // The fit is at fit_tau whatever τ is: one fit for every step.
      const fit = this.fits.get(0) ?? fitPrior(this.family, this.target, this.options.fitTau, this.options);
      this.fits.set(0, fit);
      return { mu: fit.mu, sigma: fit.sigma, nodes: [this.options.fitTau] };
    }
    const x = this.perDecade * Math.log10(tau);
    const nearest = Math.round(x);
    // A τ on a node (up to rounding of log10) takes that node's fit exactly.
    if (Math.abs(x - nearest) < 1e-9) {
      const fit = this.node(nearest);
      return { mu: fit.mu, sigma: fit.sigma, nodes: [this.nodeTau(nearest)] };
    }
    const j = Math.floor(x);
    const lo = this.node(j);
    const hi = this.node(j + 1);
    // Linear in log τ between the nodes, for μ and for log σ (σ stays positive).
    const w = (Math.log(tau) - Math.log(this.nodeTau(j))) / (Math.log(this.nodeTau(j + 1)) - Math.log(this.nodeTau(j)));
    const mu = lo.mu.map((m, i) => (1 - w) * m + w * hi.mu[i]);
    const sigma = lo.sigma.map((s, i) => Math.exp((1 - w) * Math.log(s) + w * Math.log(hi.sigma[i])));
    return { mu, sigma, nodes: [this.nodeTau(j), this.nodeTau(j + 1)] };
  }

  /**
   * The prior distribution at temperature `tau` (the schedule's value this step; a number, or a scalar tensor
   * read once), with the family of the fit (IGR_I for an IGR_Planar request) and softmax++ δ.
   */
  at(tau: number | tf.Tensor, delta?: number): IGR_I | IGR_SB {
    const t = typeof tau === 'number' ? tau : tau.dataSync()[0];
    const { mu, sigma } = this.paramsAt(t);
    const family = this.options.fitTau !== undefined ? this.fits.get(0)!.family : this.fitFamily();
    const params = { mu: tf.tensor1d(mu), sigma: tf.tensor1d(sigma), tau, ...(delta !== undefined ? { delta } : {}) };
    return family === 'IGR_SB' ? new IGR_SB(params) : new IGR_I(params);
  }

  /** The family of the fitted priors (IGR_I for IGR_Planar). */
  private fitFamily(): 'IGR_I' | 'IGR_SB' {
    const any = this.fits.values().next().value;
    return any?.family ?? (this.family === 'IGR_SB' ? 'IGR_SB' : 'IGR_I');
  }
}

/** A prior moment-matched at the current τ of a schedule (see the module comment). */
export function fitPriorSchedule(family: PriorFamily, target: readonly number[], options: ScheduledPriorOptions = {}): ScheduledPrior {
  return new ScheduledPrior(family, target, options);
}
