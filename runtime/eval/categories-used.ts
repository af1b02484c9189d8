/**
 * Number of categories an IGR-SB uses (IGR paper, arXiv:1912.09588, section 3.2, eq. (19) of v2 / (25) of v1):
 * per draw, the categories up to and including the one that carries the cumulative mass past ρ, plus the category
 * softmax++ adds. The cumulative mass is that of z = g(y, τ) (the paper's rule, default) or of the sticks w (the
 * authors' code), as IGR_SB's truncationRule says (stdlib igr-sb.ts). For a posterior built without ρ (finite K), the count is measured at the evaluation's ρ on an
 * IGR_SB with the same μ, σ, τ and δ; K is then the cap.
 */
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { IGR_SB, type IgrSbTruncationRule } from '../../stdlib/distributions/igr-sb.js';
import type { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

/** ρ used when the posterior has none: the authors' larger precision (docs/math.md section 3: ρ ∈ {0.9, 0.99}). */
export const DEFAULT_RHO = 0.99;

/** Summary of the per-draw category counts. */
export interface CategoriesUsedStats {
  readonly rho: number;
  /** What the count sums: 'softmax' (z, the paper's eq. (19)) or 'sticks' (w, the authors' code). */
  readonly rule: IgrSbTruncationRule;
  /** The cap: K of the distribution. */
  readonly maxCategories: number;
  readonly draws: number;
  readonly mean: number;
  /** The IGR_SB.TRUNCATION_QUANTILE (0.7) quantile: the truncation the authors' code would use. */
  readonly truncation: number;
  readonly max: number;
  /** counts[c] = draws that used c categories (index 0..K). */
  readonly counts: readonly number[];
}

/** Collects the category counts of one IGR-SB latent over batches. */
export class CategoriesUsedAccumulator {
  private readonly counts: number[];
  private draws = 0;
  private sum = 0;

  constructor(
    readonly rho: number,
    readonly maxCategories: number,
    readonly rule: IgrSbTruncationRule = 'softmax',
  ) {
    this.counts = new Array<number>(maxCategories + 1).fill(0);
  }

  /** Draws once from `posterior` (an IGR_SB) and adds the per-draw counts. */
  add(posterior: Distribution, rng: RandomStream): void {
    const used = categoriesUsed(posterior, this.rho, rng, this.rule);
    for (const c of used) {
      this.counts[c]++;
      this.sum += c;
      this.draws++;
    }
  }

  /** The summary (undefined when nothing was added). */
  stats(): CategoriesUsedStats | undefined {
    if (this.draws === 0) return undefined;
    let seen = 0;
    let truncation = 0;
    let max = 0;
    for (let c = 0; c < this.counts.length; c++) {
      if (this.counts[c] === 0) continue;
      max = c;
      if (seen < Math.ceil(IGR_SB.TRUNCATION_QUANTILE * this.draws)) truncation = c;
      seen += this.counts[c];
    }
    return { rho: this.rho, rule: this.rule, maxCategories: this.maxCategories, draws: this.draws, mean: this.sum / this.draws, truncation, max, counts: [...this.counts] };
  }
}

/** Categories used by one draw per batch entry of an IGR_SB posterior at precision ρ: a flat Int32Array. */
export function categoriesUsed(posterior: Distribution, rho: number, rng: RandomStream, rule: IgrSbTruncationRule = 'softmax'): Int32Array {
  const d = posterior as IGR_SB;
  const used = tf.tidy(() => {
    const same = d.rho === rho && d.truncationRule === rule;
    const atRho = same ? d : new IGR_SB({ mu: d.mu, sigma: d.sigma, tau: d.tau, delta: d.delta, rho, truncationRule: rule });
    return atRho.rsampleDetailed(rng).categoriesUsed as tf.Tensor;
  });
  const values = used.dataSync() as Int32Array;
  used.dispose();
  return values;
}
