/**
 * Tiny models for the relaxation-based estimators' unbiasedness tests: f(b; α) with an explicit float64 exact
 * gradient by enumeration, and a harness that returns one gradient estimate per data point (B independent draws
 * of the same logits), so the mean and its standard error come from one batched call.
 */
import { RebarEstimator, type RelaxationTermInput } from '../../runtime/estimators/rebar.js';
import type { RelaxationFamily } from '../../runtime/estimators/relaxation-noise.js';
import { RandomStream } from '../../stdlib/random.js';
import { stopGradient } from '../../stdlib/stop-gradient.js';
import { tf } from '../../stdlib/tf.js';

/** A test objective: f(b; α) as tf ops (b may be relaxed) and the same in float64 for 0/1 or one-hot b. */
export interface TinyObjective {
  readonly family: RelaxationFamily;
  /** Logits α (D Bernoulli units, or K categories of one categorical). */
  readonly alpha: readonly number[];
  tf(b: tf.Tensor, alpha: tf.Tensor): tf.Tensor; // [B, D] / [B, K] → [B]
  f64(b: readonly number[], alpha: readonly number[]): number;
  /** ∂f/∂α at fixed b (the objective's direct dependence on α), float64. */
  df64(b: readonly number[], alpha: readonly number[]): number[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Every configuration with its probability (float64): 2^D for Bernoulli, K one-hots for a categorical. */
export function configurations(obj: TinyObjective): Array<{ b: number[]; p: number; score: number[] }> {
  const a = obj.alpha;
  if (obj.family === 'bernoulli') {
    const D = a.length;
    return Array.from({ length: 2 ** D }, (_, i) => {
      const b = a.map((_, d) => (i >> d) & 1);
      const p = b.reduce((acc, bd, d) => acc * (bd ? sigmoid(a[d]) : 1 - sigmoid(a[d])), 1);
      return { b, p, score: b.map((bd, d) => bd - sigmoid(a[d])) };
    });
  }
  const m = Math.max(...a);
  const e = a.map((x) => Math.exp(x - m));
  const s = e.reduce((x, y) => x + y, 0);
  const probs = e.map((x) => x / s);
  return a.map((_, k) => {
    const b = a.map((_, j) => (j === k ? 1 : 0));
    return { b, p: probs[k], score: b.map((bj, j) => bj - probs[j]) };
  });
}

/** ∇_α E[f(b; α)] = Σ_b p(b) [f(b) ∇ log p(b) + ∂f/∂α(b)], float64. */
export function exactGradient(obj: TinyObjective): number[] {
  const g = obj.alpha.map(() => 0);
  for (const { b, p, score } of configurations(obj)) {
    const f = obj.f64(b, obj.alpha);
    const df = obj.df64(b, obj.alpha);
    for (let d = 0; d < g.length; d++) g[d] += p * (f * score[d] + df[d]);
  }
  return g;
}

/** Per-data-point estimates [B][D] of ∇_α E f by the estimator, with B independent draws in one call. */
export function estimatorDraws(est: RebarEstimator, obj: TinyObjective, B: number, seed: number): number[][] {
  const rng = new RandomStream(seed);
  return tf.tidy(() => {
    const A = tf.tile(tf.tensor2d([obj.alpha.slice()], [1, obj.alpha.length]), [B, 1]);
    const [g] = tf.grads((a: tf.Tensor) => {
      const b = est.draw(a, rng);
      const signal = obj.tf(b, a);
      const input: RelaxationTermInput = { logits: a, b, signal: stopGradient(signal), signalAt: (s) => obj.tf(s, a) };
      // The loss of a model: its value at the draw (direct dependence on α) plus the estimator's surrogate.
      return tf.add(tf.mean(signal), est.surrogate(input)) as tf.Scalar;
    })([A]);
    return (tf.mul(g, B).arraySync() as number[][]);
  });
}

/** Per-data-point REINFORCE estimates (no baseline) [B][D], float64 from the same kind of draws. */
export function reinforceDraws(obj: TinyObjective, B: number, seed: number): number[][] {
  const confs = configurations(obj);
  let state = seed >>> 0;
  const rand = () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: B }, () => {
    let r = rand();
    let c = confs[confs.length - 1];
    for (const conf of confs) {
      if (r < conf.p) {
        c = conf;
        break;
      }
      r -= conf.p;
    }
    const f = obj.f64(c.b, obj.alpha);
    const df = obj.df64(c.b, obj.alpha);
    return c.score.map((s, d) => f * s + df[d]);
  });
}

/** Column means, standard errors and variances of draws [B][D]. */
export function columnStats(draws: number[][]): { mean: number[]; se: number[]; variance: number[] } {
  const B = draws.length;
  const D = draws[0].length;
  const mean = Array.from({ length: D }, (_, d) => draws.reduce((a, r) => a + r[d], 0) / B);
  const variance = mean.map((m, d) => draws.reduce((a, r) => a + (r[d] - m) ** 2, 0) / (B - 1));
  return { mean, se: variance.map((v) => Math.sqrt(v / B)), variance };
}

/** f(b) = (w·b − t)² + c·Σ α_d b_d on D Bernoulli units: couples the units and depends on α directly. */
export function bernoulliObjective(alpha: number[], w: number[], t: number, c: number): TinyObjective {
  return {
    family: 'bernoulli',
    alpha,
    tf: (b, a) => {
      const wb = tf.sum(tf.mul(b, tf.tensor1d(w)), 1);
      return tf.add(tf.square(tf.sub(wb, t)), tf.mul(c, tf.sum(tf.mul(a, b), 1)));
    },
    f64: (b, a) => (b.reduce((s, bd, d) => s + w[d] * bd, 0) - t) ** 2 + c * b.reduce((s, bd, d) => s + a[d] * bd, 0),
    df64: (b) => b.map((bd) => c * bd),
  };
}

/** f(b) = Σ_k (b_k − t_k)² + (w·b)² over one categorical (one-hot b). */
export function categoricalObjective(alpha: number[], t: number[], w: number[]): TinyObjective {
  return {
    family: 'categorical',
    alpha,
    tf: (b) => tf.add(tf.sum(tf.square(tf.sub(b, tf.tensor1d(t))), 1), tf.square(tf.sum(tf.mul(b, tf.tensor1d(w)), 1))),
    f64: (b) => b.reduce((s, bk, k) => s + (bk - t[k]) ** 2, 0) + b.reduce((s, bk, k) => s + w[k] * bk, 0) ** 2,
    df64: (b) => b.map(() => 0),
  };
}
