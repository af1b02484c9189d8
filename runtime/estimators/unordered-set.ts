/**
 * The unordered set policy-gradient estimator with its built-in baseline (Kool, van Hoof, Welling, "Estimating
 * Gradients for Discrete Random Variables by Sampling without Replacement", ICLR 2020, arXiv:2002.06043;
 * docs/math.md section 11).
 *
 * Per data point, S is a set of k distinct values of one categorical event with probabilities p over its K cells,
 * drawn without replacement by Gumbel-top-k (Vieira 2014; Kool, van Hoof, Welling 2019, "Stochastic Beams and
 * Where to Find Them", arXiv:1903.06059): the k largest of log p_j + G_j, G_j standard Gumbel. The estimator of
 * ∇E_p[f] is (paper eq. 13, "unordered set policy gradient with baseline")
 *
 *   e(S) = Σ_{s∈S} p(s) R(S, s) ∇log p(s) (f(s) − Σ_{s'∈S} p(s') R^{D\s}(S, s') f(s')),
 *
 * with the leave-one-out ratios (eq. 9) R(S, s) = p^{D\s}(S \ {s}) / p(S) and (eq. 12)
 * R^{D\s}(S, s') = p^{D\{s,s'}}(S \ {s,s'}) / p^{D\s}(S \ {s}) for s' ≠ s, 1 for s' = s. The same weights give the
 * unbiased estimate of the expectation itself, E_p[g] = E_S[Σ_{s∈S} p(s) R(S, s) g(s)] (eq. 8), which the
 * surrogate uses for the gradient that reaches f directly (decoder weights, an analytic KL).
 *
 * The probability of an unordered sample (paper Appendix, from the Gumbel-top-k construction) is
 *
 *   p(S) = ∫_0^1 Π_{s∈S} (1 − u^{a_s}) du,   a_s = p(s) / p(D \ S),
 *
 * and leaving s (or s and s') out of both S and the domain keeps every a (the renormalised probabilities and the
 * renormalised remaining mass share the factor), so p^{D\s}(S \ {s}) and p^{D\{s,s'}}(S \ {s,s'}) are the same
 * integral without the factors of s (and s'). All ratios therefore come from one integrand evaluated on one grid.
 *
 * Numerical choices (float32; every quantity in log space):
 * - **Substitution u = exp(−e^t).** p(S) = ∫_{−∞}^{∞} exp(t − e^t + Σ_s log(1 − exp(−e^{t + log a_s}))) dt. On the
 *   real line the integrand is smooth (each factor is a sigmoid-like step of width O(1) at t = −log a_s), decays
 *   like e^{(1+m)t} to the left (m ≥ 0 factors in their linear regime) and doubly exponentially to the right, and
 *   is analytic in the strip |Im t| < π/2. The trapezoidal rule on such a function converges geometrically,
 *   error ~ exp(−π²/h) for step h (Trefethen & Weideman 2014, "The exponentially convergent trapezoidal rule"),
 *   where the authors' code uses a uniform grid on u ∈ (0, 1) (1,000 points), which cannot resolve integrands
 *   with a_s ≫ 1 or ≪ 1 (logits of ±20) because their mass then sits in an exponentially thin layer near u = 0 or 1.
 * - **Grid per data point.** t from min(0, min_s −log a_s) − 20 (clamped at −220: an a_s above e^{200} acts as a
 *   factor that is 1 over the grid, as it is) to log(k + 1) + 3.5 (the integrand's peak is at e^t ≈ m + 1 ≤ k + 1;
 *   beyond, e^{−e^t} falls below e^{−50} of it), with GRID_POINTS points: h ≤ 0.44, so exp(−π²/h) < 2e−10;
 *   the tails left out are below e^{−20} of the peak.
 * - **log(1 − exp(−x)) from log x** (`log1mexpOfLog`): the series log x − x/2 + x²/24 for x < e^{−3} (the next term
 *   x⁴/2880 < 2e−9), log(−expm1(−x)) for x ≤ log 2 and log1p(−exp(−x)) above (Mächler 2012, "Accurately computing
 *   log(1 − exp(−|a|))"); so a factor with log a_s = −100 (a set of a 200-unit belief net) is exact where x itself
 *   would underflow.
 * - **log p(D \ S) directly**, a logsumexp over the cells not in S, not log(1 − Σ_{s∈S} p(s)), which cancels to 0 in
 *   float32 once the set holds almost all the mass. With S = D (k = K) it is −∞: every a_s is +∞, every factor 1,
 *   every ratio exactly 1, and the estimator is the exact gradient Σ_s p(s) ∇log p(s) (f(s) − Σ_s' p(s') f(s')).
 * - **Weights p(s) R(S, s) in log space** (they lie in [0, 1]: p(S) ≥ p(s) p^{D\s}(S \ {s})), multiplied into the
 *   surrogate as stop(w_s · advantage_s) · log p(s), so a value of probability e^{−40} neither underflows a
 *   gradient nor multiplies a huge ratio by a tiny probability.
 */
import { tf } from '../../stdlib/tf.js';
import type { RandomStream } from '../../stdlib/random.js';
import { detached } from '../../stdlib/stop-gradient.js';
import { stopGradient } from '../ops/stop-gradient.js';
import { stochasticBeamSearch } from './stochastic-beam.js';

/** Points of the trapezoidal rule in t (see the file comment: step ≤ 0.44 over the widest clamped range). */
export const GRID_POINTS = 512;
/** log a_s is clamped at this value when the grid's range is chosen (file comment). */
const MAX_LOG_A = 200;

/** log(1 − exp(−x)) for x = exp(y) > 0, from y (file comment); any shape, +∞ gives 0. */
export function log1mexpOfLog(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.exp(y);
    // Series for small x (x < e^{-3} ≈ 0.05): log x − x/2 + x²/24, exact to 2e−9 relative.
    const series = tf.add(tf.sub(y, tf.div(x, 2)), tf.div(tf.square(x), 24));
    const nearZero = tf.log(tf.neg(tf.expm1(tf.neg(x))));
    const far = tf.log1p(tf.neg(tf.exp(tf.neg(x))));
    return tf.where(tf.less(y, -3), series, tf.where(tf.lessEqual(x, Math.LN2), nearZero, far));
  });
}

/** A set of k distinct cells per row, drawn without replacement (Gumbel-top-k). */
export interface UnorderedSample {
  /** [N, k] int32: the cells, in the order of their perturbed log-probabilities (the first is a draw from p). */
  readonly indices: tf.Tensor;
  /** [N, k]: log p of each drawn cell, differentiable in the parameters of `logp`. */
  readonly logp: tf.Tensor;
  /** [N]: log p(D \ S), the mass of the cells not drawn (−∞ when k = K), without gradient. */
  readonly logRest: tf.Tensor;
}

/**
 * Draws k cells per row of `logp` ([N, K] log-probabilities, normalised) without replacement: the top k of
 * log p + Gumbel noise (Kool et al. 2019, arXiv:1903.06059, section 2). k ≤ K.
 */
export function unorderedSetSample(logp: tf.Tensor, k: number, rng: RandomStream): UnorderedSample {
  const K = logp.shape[logp.shape.length - 1];
  if (!(k >= 1 && k <= K)) throw new Error(`internal: unordered set of ${k} from ${K} cells`);
  return tf.tidy(() => {
    const lp = tf.reshape(logp, [-1, K]);
    // The draw and the remaining mass carry no gradient: computed off the tape (`detached`), as [N, k + 1] (the k
    // indices, exact in float32 for K < 2^24, then log p(D \ S)).
    const drawn = detached((l) => {
      const { indices } = tf.topk(tf.add(l, rng.gumbel(l.shape)), k);
      const chosen = tf.sum(tf.cast(tf.oneHot(indices, K), 'float32'), 1); // [N, K] 0/1: membership of each cell in S
      // log p(D \ S) as a logsumexp over the cells not drawn (file comment), −∞ for an empty remainder.
      const masked = tf.where(tf.greater(chosen, 0), tf.fill(l.shape, -Infinity), l);
      const m = tf.max(masked, 1, true);
      const safeM = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
      const lse = tf.add(tf.squeeze(safeM, [1]), tf.log(tf.sum(tf.exp(tf.sub(masked, safeM)), 1)));
      const logRest = tf.where(tf.isFinite(tf.squeeze(m, [1])), lse, tf.fill(lse.shape, -Infinity));
      return tf.concat([tf.cast(indices, 'float32'), tf.expandDims(logRest, 1)], 1);
    }, lp);
    const indices = tf.cast(tf.slice(drawn, [0, 0], [-1, k]), 'int32');
    const logRest = tf.squeeze(tf.slice(drawn, [0, k], [-1, 1]), [1]);
    const picks = tf.cast(tf.oneHot(indices, K), 'float32'); // [N, k, K]
    const logpS = tf.sum(tf.mul(tf.expandDims(lp, 1), picks), 2); // [N, k], differentiable
    return { indices, logp: logpS, logRest };
  });
}

/**
 * A drawn set as generated code uses it (compiler/estimators/unordered-set.ts): the node's value for member i,
 * and the set's log-probabilities for the surrogate.
 */
export class UnorderedSet {
  constructor(
    private readonly sample: { readonly values: tf.Tensor; readonly logp: tf.Tensor; readonly logRest: tf.Tensor },
    /** A draw of the node (its shape and the shape of a member). */
    private readonly like: tf.Tensor,
    private readonly cells: number,
    private readonly oneHot: boolean,
  ) {}

  get logp(): tf.Tensor {
    return this.sample.logp;
  }

  get logRest(): tf.Tensor {
    return this.sample.logRest;
  }

  /** Member i (0 ≤ i < k) as a value of the node: one-hot vectors, or values' indices as float32, in its shape. */
  member(i: number): tf.Tensor {
    return tf.tidy(() => {
      const row = tf.squeeze(tf.slice(this.sample.values, [0, i, 0], [-1, 1, -1]), [1]); // [N, U] int32
      if (this.oneHot) return tf.cast(tf.oneHot(tf.reshape(row, this.like.shape.slice(0, -1)), this.cells), 'float32');
      return tf.cast(tf.reshape(row, this.like.shape), 'float32');
    });
  }
}

/**
 * Scores every value of each of a node's events and draws a set of k configurations per data point: `like` is a
 * draw of the node (its shape), `cells` the number of values K of one event, `oneHot` whether a value is a one-hot
 * vector (else its index), `units` the events per data point U, `logProbOf` the node's log q of a value per event
 * (unreduced: [B, U] or any shape of B·U elements). One event: Gumbel-top-k over its K values
 * (`unorderedSetSample`, with the exact remaining mass); several: stochastic beam search over the U units
 * (stochastic-beam.ts).
 */
export function drawUnorderedSet(like: tf.Tensor, cells: number, oneHot: boolean, units: number, logProbOf: (v: tf.Tensor) => tf.Tensor, k: number, rng: RandomStream): UnorderedSet {
  const sample = tf.tidy(() => {
    const eventShape = oneHot ? like.shape.slice(0, -1) : like.shape;
    const scores = Array.from({ length: cells }, (_, j) => {
      const v = oneHot ? tf.cast(tf.oneHot(tf.fill(eventShape, j, 'int32'), cells), 'float32') : tf.fill(like.shape, j, 'float32');
      return tf.reshape(logProbOf(v), [-1, units]);
    });
    const table = tf.stack(scores, 2); // [N, U, K]
    if (units > 1) {
      const b = stochasticBeamSearch(table, k, rng);
      return { values: b.values, logp: b.logp, logRest: b.logRest };
    }
    const s = unorderedSetSample(tf.squeeze(table, [1]), k, rng);
    return { values: tf.expandDims(s.indices, 2), logp: s.logp, logRest: s.logRest };
  });
  return new UnorderedSet(sample, like, cells, oneHot);
}

/** The log leave-one-out ratios of a set: log R(S, s) [N, k] and log R^{D\s}(S, s') [N, k, k] (row s, column s'). */
export interface LeaveOneOutRatios {
  readonly logR1: tf.Tensor;
  readonly logR2: tf.Tensor;
}

/**
 * log R(S, s) and log R^{D\s}(S, s') (file comment) from log p of the k cells [N, k] and log p(D \ S) [N], by the
 * trapezoidal rule on the substituted integral. No gradient flows through the result.
 */
export function leaveOneOutRatios(logpSet: tf.Tensor, logRest: tf.Tensor): LeaveOneOutRatios {
  const k = logpSet.shape[1] ?? 1;
  return tf.tidy(() => {
    // Off the tape (`detached`: no op here needs a gradient), as [N, k + k²].
    const both = detached((lpS, lr) => ratiosOf(lpS, lr, k), logpSet, logRest);
    return { logR1: tf.slice(both, [0, 0], [-1, k]), logR2: tf.reshape(tf.slice(both, [0, k], [-1, k * k]), [-1, k, k]) };
  });
}

/** The ratios of `leaveOneOutRatios` as [N, k + k²]: log R(S, s), then log R^{D\s}(S, s') row by row. */
function ratiosOf(logpSet: tf.Tensor, logRest: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const logA = tf.sub(logpSet, tf.expandDims(logRest, 1)); // [N, k], +∞ when p(D\S) = 0
    // The grid's range per row (file comment).
    const lowest = tf.min(tf.minimum(tf.neg(tf.minimum(logA, MAX_LOG_A)), 0), 1); // [N]
    const lo = tf.sub(lowest, 20);
    const hi = Math.log(k + 1) + 3.5;
    const steps = tf.linspace(0, 1, GRID_POINTS); // [G] in [0, 1]
    const t = tf.add(tf.expandDims(lo, 1), tf.mul(tf.expandDims(tf.sub(hi, lo), 1), tf.expandDims(steps, 0))); // [N, G]
    // log of each factor 1 − exp(−a_s e^t), [N, G, k].
    const factors = log1mexpOfLog(tf.add(tf.expandDims(t, 2), tf.expandDims(logA, 1)));
    const base = tf.add(tf.sub(t, tf.exp(t)), tf.sum(factors, 2)); // [N, G]: log integrand of p(S)
    const without1 = tf.sub(tf.expandDims(base, 2), factors); // [N, G, k]: without s
    const offDiagonal = tf.sub(1, tf.eye(k)); // do not remove s twice on the diagonal (R^{D\s}(S, s) = 1)
    const without2 = tf.sub(tf.expandDims(without1, 3), tf.mul(tf.expandDims(factors, 2), offDiagonal)); // [N, G, k, k]
    // The trapezoidal sums: h Σ_g exp(·); the end points carry < e^{-20} of the mass and h cancels in every ratio.
    const logI = tf.logSumExp(base, 1); // [N]
    const logI1 = tf.logSumExp(without1, 1); // [N, k]
    const logI2 = tf.logSumExp(without2, 1); // [N, k, k]
    const logR1 = tf.sub(logI1, tf.expandDims(logI, 1));
    const logR2 = tf.sub(logI2, tf.expandDims(logI1, 2));
    return tf.concat([logR1, tf.reshape(logR2, [-1, k * k])], 1);
  });
}

/** What `unorderedSetSurrogate` returns: the loss term and the per-row estimate of E[f] (for reporting). */
export interface UnorderedSetTerms {
  /** Add to the loss: its gradient is the estimator's (file comment), averaged over the rows. */
  readonly loss: tf.Scalar;
  /** Σ_s p(s) R(S, s) f(s) per row [N]: the unbiased estimate of E[f] from the set (paper eq. 8). */
  readonly expectation: tf.Tensor;
}

/**
 * The surrogate of the unordered set estimator with its baseline (file comment) for signals f [N, k] (a loss,
 * lower is better; differentiable where f depends on parameters directly), log p of the set [N, k]
 * (differentiable) and log p(D \ S) [N]. `directSignal` is the signal whose direct gradient the objective already
 * carries (the first draw's, [N]); the term replaces it by the set's weighted estimate (eq. 8), which has the same
 * expectation. The loss is a mean over the N rows, as the score-function terms' are.
 */
export function unorderedSetSurrogate(logpSet: tf.Tensor, logRest: tf.Tensor, signals: tf.Tensor, directSignal?: tf.Tensor): UnorderedSetTerms {
  return tf.tidy(() => {
    const { logR1, logR2 } = leaveOneOutRatios(logpSet, logRest);
    const lp = stopGradient(logpSet);
    const f = stopGradient(signals);
    const weights = tf.exp(tf.add(lp, logR1)); // p(s) R(S, s) ∈ [0, 1], [N, k]
    // The built-in baseline of each s: Σ_{s'} p(s') R^{D\s}(S, s') f(s') (eq. 13), [N, k].
    const baseline = tf.sum(tf.mul(tf.exp(tf.add(tf.expandDims(lp, 1), logR2)), tf.expandDims(f, 1)), 2);
    const score = tf.sum(tf.mul(stopGradient(tf.mul(weights, tf.sub(f, baseline))), logpSet), 1); // [N]
    const expectation = tf.sum(tf.mul(weights, signals), 1); // differentiable in f: the direct gradient, eq. 8
    const direct = directSignal === undefined ? expectation : tf.sub(expectation, directSignal);
    return { loss: tf.mean(tf.add(score, direct)) as tf.Scalar, expectation: stopGradient(expectation) };
  });
}
