/**
 * GenGS (Generalized Gumbel-Softmax; Joo et al., GenGS paper Definition 1, Theorems 3-4, section 4;
 * docs/math.md section 7): a discrete distribution is truncated to finitely many cells with values c, the cells
 * are relaxed with Gumbel-Softmax, x = GS(π, τ), and the relaxed value is the linear map T(x) = Σ_k c_k x_k.
 *
 *  - explicit form, `new GenGS({ base, trunc, tau })`: π is the truncated pmf of `base` (truncation.ts), for
 *    Poisson, Binomial, Geometric, NegativeBinomial, Bernoulli (cells lo..hi), Categorical (cells 0..K-1: a
 *    relaxed index), OneHotCategorical (c = the identity: plain GS, GenGS appendix E) and Multinomial (cells =
 *    every count vector summing to N, c = that [cells, K] matrix: a relaxed count vector, appendix E);
 *  - implicit form, `new GenGS({ logits, trunc, tau })`: π = softmax(logits) over the cells (section 4.1);
 *  - hard = true: one-hot argmax forward, relaxed backward (straight-through, section 4.2).
 *
 * Decision: logProb(v) is the log mass of the TRUNCATED discrete distribution at the cell whose value equals
 * round(v) (ties to even; -inf when no cell matches), not a density of the relaxed value: the relaxed density
 * T(GS) has no closed form, and the truncated pmf is what the GenGS KL (appendix H) and evaluation use.
 * Likewise mean() and entropy() are those of the truncated distribution (the τ → 0 limit, Theorem 4); the
 * relaxed sample's mean differs from mean() at τ > 0.
 */
import type { RandomStream } from '../random.js';
import { logBinomial64 } from '../special/gamma64.js';
import { stopGradient } from '../stop-gradient.js';
import { straightThrough, oneHotArgmax } from '../straight-through.js';
import { tf } from '../tf.js';
import { isCountDistribution, LOG_MASS_FLOOR, truncatedPmfTwoSided } from '../truncation.js';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import {
  asTensor,
  asValue,
  detached,
  signatureOf,
  temperature,
  type TensorInput,
} from './discrete-params.js';
import { rsampleExpConcrete } from './exp-concrete.js';
import { Multinomial } from './multinomial.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import { recordLogSpace } from './log-space.js';
import { ReparameterizedDistribution } from './reparameterized.js';

/** A truncation: n keeps cells 0..n-1; [lo, hi] keeps lo..hi (both inclusive). */
export type Truncation = number | readonly [number, number];

/** Named parameters of GenGS: exactly one of base, logits; trunc where the support needs it; tau (default 1). */
export interface GenGSParams {
  readonly base?: Distribution;
  readonly logits?: TensorInput;
  readonly trunc?: Truncation;
  readonly tau?: tf.Tensor | number;
  readonly hard?: boolean;
}

/** A relaxed GenGS draw with the relaxed one-hot over the cells it was made from. */
export interface GenGSDraw {
  /** T(x): the relaxed (or, when hard, exact) value. */
  readonly value: tf.Tensor;
  /** x = GS(π, τ) over the cells, [...sampleShape, ...batchShape, cells] (one-hot forward when hard). */
  readonly cells: tf.Tensor;
}

/** Most cells a Multinomial base may expand to (C(N+K-1, K-1) count vectors); beyond it GenGS refuses. */
export const MAX_MULTINOMIAL_CELLS = 10000;

/** Generalized Gumbel-Softmax relaxation of a discrete distribution. */
export class GenGS extends ReparameterizedDistribution {
  readonly signature = signatureOf('GenGS');
  readonly batchShape: readonly number[];
  /** Shape of one value: [] for counts and indices, [K] for Multinomial and OneHotCategorical bases. */
  readonly eventShape: readonly number[];
  /** The relaxed distribution (explicit form), or null (implicit form). */
  readonly base: Distribution | null;
  /** log π over the cells, normalised: [...batchShape, cells]. */
  readonly logits: tf.Tensor;
  /** π, the pmf over the cells: [...batchShape, cells]. */
  readonly probs: tf.Tensor;
  /** The cell values c: [cells] (counts, indices) or [cells, K] (count / one-hot vectors). */
  readonly support: tf.Tensor;
  /** The cell range lo..hi for count and implicit forms; undefined for vector-valued cells. */
  readonly trunc: readonly [number, number] | undefined;
  /** A canonical name of the cells ('0..59', 'one_hot(4)', 'multinomial(3, 3)'): equal keys, same cells. */
  readonly cellsKey: string;
  /** Number of cells n. */
  readonly numCells: number;
  /** Temperature τ (scalar tensor). */
  readonly tau: tf.Tensor;
  /** Straight-through: exact value forward, relaxed backward. */
  readonly hard: boolean;
  /**
   * Mass of the edge cells of a truncated count base, P(X ≥ hi) (+ P(X ≤ lo) two-sided), as docs/math.md section 7
   * asks to report; zeros where nothing is truncated (Categorical, Multinomial bases); null (implicit form).
   */
  readonly tailMass: tf.Tensor | null;
  /** Mass moved by the truncation, P(X > hi) + P(X < lo); zeros / null as tailMass. */
  readonly foldedMass: tf.Tensor | null;

  constructor({ base, logits, trunc, tau, hard = false }: GenGSParams) {
    super();
    if ((base === undefined) === (logits === undefined)) {
      throw new TypeError("GenGS takes exactly one of 'base' (explicit form) or 'logits' (implicit form)");
    }
    this.tau = temperature('GenGS', tau, 1);
    this.hard = hard;
    const cells = base ? cellsOfBase(base, trunc) : cellsOfLogits(asTensor(logits as TensorInput), trunc);
    this.base = base ?? null;
    this.logits = cells.logits;
    this.probs = tf.exp(cells.logits);
    this.support = cells.support;
    this.trunc = cells.trunc;
    this.cellsKey = cells.key;
    this.numCells = cells.logits.shape[cells.logits.rank - 1];
    this.batchShape = cells.logits.shape.slice(0, -1);
    this.eventShape = cells.support.shape.slice(1);
    this.tailMass = cells.tailMass;
    this.foldedMass = cells.foldedMass;
  }

  /** A reparameterised draw T(GS(π, τ)): [...sampleShape, ...batchShape, ...eventShape]. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    const [value, cell] = tf.tidy(() => {
      const y = rsampleExpConcrete(rng, this.logits, this.tau, sampleShape);
      const hardX = oneHotArgmax(y);
      const soft = tf.exp(y);
      const x = this.hard ? straightThrough(hardX, soft) : soft;
      return [this.transform(x), stopGradient(this.transform(hardX))];
    });
    // The draw's discrete cell (argmax, Gumbel-max: an exact draw of the truncated distribution, the value
    // `sample` returns for the same noise) is recorded: logProbOfSample scores it, not the rounded relaxed value
    // (a relaxed Multinomial vector rounds to vectors of another total, mass 0; issue 13 item 4). Same noise and
    // value as rsampleWithCells.
    return recordLogSpace(value, 'discrete', cell);
  }

  /**
   * A draw of the truncated distribution itself (no gradient): the cell value at argmax(log π + g), the Gumbel-max
   * trick (GenGS Theorem 3). logProb is the truncated pmf, so this is the draw whose log-probability the
   * score-function estimator (`with reinforce`) weights; a relaxed value rounded to a cell would not be
   * distributed as π (and a rounded Multinomial vector need not be a cell at all). Same noise as rsample: it
   * equals the forward value of the hard (straight-through) draw.
   */
  override sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.transform(oneHotArgmax(rsampleExpConcrete(rng, this.logits, this.tau, sampleShape)))));
  }

  /** A reparameterised draw together with its relaxed one-hot over the cells. */
  rsampleWithCells(rng: RandomStream, sampleShape: readonly number[] = []): GenGSDraw {
    const [value, cells] = tf.tidy(() => {
      // GS(π, τ) in log space (docs/math.md section 6): exp of a log-softmax never yields NaN at low τ.
      const y = rsampleExpConcrete(rng, this.logits, this.tau, sampleShape);
      const soft = tf.exp(y);
      const x = this.hard ? straightThrough(oneHotArgmax(y), soft) : soft;
      return [this.transform(x), x];
    });
    return { value, cells };
  }

  /** T(x) = Σ_k c_k x_k (GenGS section 3.2): the linear map from relaxed one-hot cells to values. */
  transform(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.support.rank === 1) return tf.sum(tf.mul(x, this.support), -1);
      const prefix = x.shape.slice(0, -1);
      const flat = tf.matMul(tf.reshape(x, [-1, this.numCells]), this.support);
      return tf.reshape(flat, [...prefix, ...this.eventShape]);
    });
  }

  /** log π of the cell whose value is round(value); -inf when no cell has that value (see the decision above). */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const match = detached((x) => {
        const v = tf.round(x);
        const equal =
          this.support.rank === 1
            ? tf.equal(tf.expandDims(v, -1), this.support)
            : tf.all(tf.equal(tf.expandDims(v, -2), this.support), -1);
        return tf.cast(equal, 'float32');
      }, asValue(value));
      // logits are floored (finite), so the masked product has no 0·inf.
      const lp = tf.sum(tf.mul(match, this.logits), -1);
      const found = detached((m) => tf.greater(tf.sum(m, -1), 0), match);
      return tf.where(found, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** Mean of the truncated distribution, Σ_k π_k c_k (docs/math.md section 9: E[Z] for Poisson(3), n = 10). */
  override mean(): tf.Tensor {
    return this.transform(this.probs);
  }

  /** Entropy of the truncated distribution, -Σ π log π. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.sum(tf.mul(this.probs, this.logits), -1)));
  }
}

/** What a base or logits contribute: the cell pmf, the cell values and the truncation report. */
interface Cells {
  readonly logits: tf.Tensor;
  readonly support: tf.Tensor;
  readonly trunc: readonly [number, number] | undefined;
  readonly key: string;
  readonly tailMass: tf.Tensor | null;
  readonly foldedMass: tf.Tensor | null;
}

/** [lo, hi] from a truncation, or from the default when none is given. */
function resolveRange(trunc: Truncation | undefined, fallback: number | undefined, what: string): [number, number] {
  if (trunc === undefined) {
    if (fallback === undefined) throw new TypeError(`GenGS(${what}) has an unbounded support: give trunc = n or [lo, hi]`);
    return [0, fallback - 1];
  }
  if (typeof trunc === 'number') {
    if (!(Number.isInteger(trunc) && trunc >= 1)) throw new RangeError(`GenGS: trunc must be an integer ≥ 1, got ${trunc}`);
    return [0, trunc - 1];
  }
  const [lo, hi] = trunc;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= lo)) {
    throw new RangeError(`GenGS: trunc [lo, hi] needs integers 0 ≤ lo ≤ hi, got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}

/** The cells 0..K-1 of a categorical base; a truncation, if given, must keep all K. */
function requireAllCategories(trunc: Truncation | undefined, K: number, what: string): void {
  if (trunc === undefined) return;
  const [lo, hi] = resolveRange(trunc, K, what);
  if (lo !== 0 || hi !== K - 1) throw new RangeError(`GenGS(${what}) relaxes all ${K} categories; trunc must be ${K} or omitted`);
}

/** Cells of the explicit form. */
function cellsOfBase(base: Distribution, trunc: Truncation | undefined): Cells {
  if (isCountDistribution(base)) {
    const finite = Number.isFinite(base.supportMax) ? base.supportMax + 1 : undefined;
    const [lo, hi] = resolveRange(trunc, finite, base.name);
    const t = truncatedPmfTwoSided(base, lo, hi);
    t.probs.dispose();
    return {
      logits: t.logProbs,
      support: tf.tensor(t.support as number[], undefined, 'float32'),
      trunc: [lo, hi],
      key: `${lo}..${hi}`,
      tailMass: t.tailMass,
      foldedMass: t.foldedMass,
    };
  }
  if (base instanceof Categorical || base instanceof OneHotCategorical) {
    const K = base.numCategories;
    requireAllCategories(trunc, K, base.name);
    const zeros = tf.zeros([...base.batchShape]);
    const oneHot = base instanceof OneHotCategorical;
    return {
      logits: tf.maximum(base.logits, LOG_MASS_FLOOR),
      support: oneHot ? tf.eye(K) : tf.range(0, K, 1, 'float32'),
      trunc: oneHot ? undefined : [0, K - 1],
      key: oneHot ? `one_hot(${K})` : `0..${K - 1}`,
      tailMass: zeros,
      foldedMass: zeros.clone(),
    };
  }
  if (base instanceof Multinomial) {
    if (trunc !== undefined) throw new RangeError('GenGS(Multinomial) enumerates every count vector; trunc is not used');
    const N = base.total_count;
    const K = base.numCategories;
    const vectors = compositions(N, K);
    const rank = base.batchShape.length;
    const support = tf.tensor2d(vectors, [vectors.length, K], 'float32');
    const logits = tf.tidy(() => {
      const values = tf.reshape(support, [vectors.length, ...Array<number>(rank).fill(1), K]);
      const lp = tf.maximum(base.logProb(values), LOG_MASS_FLOOR); // [cells, ...batch]
      const cellsLast = tf.transpose(lp, [...Array.from({ length: rank }, (_, i) => i + 1), 0]);
      return tf.logSoftmax(cellsLast, -1);
    });
    const zeros = tf.zeros([...base.batchShape]);
    return { logits, support, trunc: undefined, key: `multinomial(${N}, ${K})`, tailMass: zeros, foldedMass: zeros.clone() };
  }
  throw new TypeError(
    `GenGS cannot relax ${base.name}: supported bases are Poisson, Binomial, Geometric, NegativeBinomial, ` +
      'Bernoulli, Categorical, OneHotCategorical, Multinomial',
  );
}

/** Cells of the implicit form: logits over lo..hi (default 0..n-1 for n = the last axis). */
function cellsOfLogits(logits: tf.Tensor, trunc: Truncation | undefined): Cells {
  if (logits.rank < 1) throw new RangeError('GenGS: implicit logits need a cell axis (rank ≥ 1)');
  const n = logits.shape[logits.rank - 1];
  const [lo, hi] = resolveRange(trunc, n, 'logits');
  if (hi - lo + 1 !== n) {
    throw new RangeError(`GenGS: trunc ${lo}..${hi} has ${hi - lo + 1} cells but logits have ${n} on the last axis`);
  }
  return {
    logits: tf.tidy(() => tf.maximum(tf.logSoftmax(logits, -1), LOG_MASS_FLOOR)),
    support: tf.range(lo, hi + 1, 1, 'float32'),
    trunc: [lo, hi],
    key: `${lo}..${hi}`,
    tailMass: null,
    foldedMass: null,
  };
}

/** Every vector of K non-negative integers summing to N, in lexicographically decreasing order. */
function compositions(N: number, K: number): number[][] {
  const count = Math.round(Math.exp(logBinomial64(N + K - 1, K - 1)));
  if (count > MAX_MULTINOMIAL_CELLS) {
    throw new RangeError(`GenGS(Multinomial(${N}, K = ${K})) would need ${count} cells (limit ${MAX_MULTINOMIAL_CELLS})`);
  }
  if (K === 1) return [[N]];
  const out: number[][] = [];
  for (let first = N; first >= 0; first--) for (const rest of compositions(N - first, K - 1)) out.push([first, ...rest]);
  return out;
}
