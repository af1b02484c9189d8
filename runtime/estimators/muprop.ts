/**
 * MuProp: the score function with a first-order Taylor control variate around the mean-field pass, plus the
 * control variate's analytic expectation (Gu, Levine, Sutskever, Mnih, *MuProp: Unbiased Backpropagation for
 * Stochastic Neural Networks*, arXiv:1511.05176, section 3; docs/math.md section 11).
 *
 * For a draw z ~ q_φ(z) with mean μ_φ = E_q[z], a learning signal f(z) (the loss, per data point) and the
 * mean-field value f̄ = f(z̄) with slope f̄' = ∂f/∂z at the expansion point z̄ (the deterministic pass where every
 * stochastic unit is replaced by its mean, so f̄, f̄' and z̄ do not depend on the draw), the control variate is
 *   g(z) = f̄ + f̄'ᵀ (z − z̄),
 * whose expectation E_q[g] = f̄ + f̄'ᵀ (μ_φ − z̄) is known in closed form. The estimator (paper section 3) is
 *   ∇_φ E_q[f] = E_q[(f(z) − g(z)) ∇_φ log q_φ(z)] + f̄'ᵀ ∇_φ μ_φ,
 * unbiased because E_q[g ∇ log q] = ∇ E_q[g] = f̄'ᵀ ∇μ for any f̄, f̄', z̄ that do not depend on z. In a layered
 * model μ_φ is the mean of z given its sampled parents, and z̄ the mean-field value (the same for the first
 * layer), as in the paper's Algorithm 1 and the REBAR authors' implementation. An optional baseline b (the EMA
 * baseline of the residual f − g) is subtracted as well, without bias.
 */
import { tf } from '../../stdlib/tf.js';
import { stopGradient } from '../ops/stop-gradient.js';

/** Σ over every axis but the first: [B, ...] → [B] (a scalar stays a scalar). */
function perPoint(t: tf.Tensor): tf.Tensor {
  return t.rank <= 1 ? t : tf.sum(t, Array.from({ length: t.rank - 1 }, (_, i) => i + 1));
}

/** The inputs of one node's MuProp term. Shapes: per data point [B] for signals, [B, ...] for draws. */
export interface MupropInputs {
  /** log q(z | parents) of the draw, summed per data point [B] (differentiable in φ). */
  readonly logq: tf.Tensor;
  /** f(z): the loss per data point at the draw, [B]. */
  readonly signal: tf.Tensor;
  /** f̄: the loss per data point of the mean-field pass, [B] (held constant). */
  readonly meanFieldSignal: tf.Tensor;
  /** f̄' = ∂f̄/∂z̄, shaped as the draw (held constant). */
  readonly slope: tf.Tensor;
  /** The draw z. */
  readonly sample: tf.Tensor;
  /** The expansion point z̄ (the mean-field value; held constant). */
  readonly meanField: tf.Tensor;
  /** μ_φ = E[z | sampled parents], differentiable in φ. */
  readonly mean: tf.Tensor;
  /** Subtracted from the residual f − g (e.g. an EmaBaseline's value); 0 by default. */
  readonly baseline?: tf.Tensor | number;
}

/** The Taylor control variate g(z): f̄ + f̄'ᵀ(z − z̄), per data point [B], held constant. */
export function mupropControlVariate(i: Pick<MupropInputs, 'meanFieldSignal' | 'slope' | 'sample' | 'meanField'>): tf.Tensor {
  return stopGradient(tf.add(i.meanFieldSignal, perPoint(tf.mul(i.slope, tf.sub(i.sample, i.meanField)))));
}

/**
 * mean_B[stop(f − g − b) · log q] + mean_B[stop(f̄')ᵀ μ_φ]: its gradient in φ is the MuProp estimate (paper
 * section 3) of the gradient the node's distribution contributes. Signals are per data point (the analysis
 * offers MuProp only for objectives that decompose over the batch). Returns the residual f − g, for a baseline.
 */
export function mupropSurrogate(i: MupropInputs): { term: tf.Scalar; residual: tf.Tensor } {
  const residual = stopGradient(tf.sub(i.signal, mupropControlVariate(i)));
  const centred = i.baseline === undefined ? residual : tf.sub(residual, i.baseline);
  const score = tf.mean(tf.mul(stopGradient(centred), i.logq));
  const correction = tf.mean(perPoint(tf.mul(stopGradient(i.slope), i.mean)));
  return { term: tf.add(score, correction) as tf.Scalar, residual };
}

/** What one mean-field pass returns: the loss per data point and each MuProp node's mean-field value. */
export interface MeanFieldPass {
  /** f̄ per data point, [B] (the loss with every MuProp node at its mean-field value). */
  readonly signal: tf.Tensor;
  /** z̄_i of each node in the pass (the values the offsets were added to). */
  readonly points: readonly tf.Tensor[];
}

/**
 * The mean-field pass and its slopes: evaluates `pass(offsets)` (the loss per data point with each MuProp node's
 * value z̄_i + offsets[i]) at zero offsets, and returns f̄, z̄_i and ∂f̄/∂z̄_i for every node (the gradient with
 * respect to an added zero is the total derivative with respect to z̄_i, through the later nodes' dependence on
 * it). Runs its own gradient inside the caller's (a nested tape); the results are copied off the tape, so they
 * are constants to the caller's backward pass, which never walks the nested one.
 */
export function meanFieldExpansion(
  pass: (offsets: readonly tf.Tensor[]) => MeanFieldPass,
  shapes: readonly (readonly number[])[],
): { value: tf.Tensor; points: tf.Tensor[]; slopes: tf.Tensor[] } {
  const offsets = shapes.map((s) => tf.zeros(s as number[]));
  // Values read back inside the pass (one small copy each); the scalar sum is what is differentiated.
  const copies: Array<{ data: Float32Array; shape: number[] }> = [];
  const copy = (t: tf.Tensor) => ({ data: t.dataSync() as Float32Array, shape: t.shape });
  const slopes = tf.tidy(() => {
    const grads = tf.grads((...xs: tf.Tensor[]) => {
      const r = pass(xs);
      copies.push(copy(r.signal), ...r.points.map(copy));
      return tf.sum(r.signal);
    });
    // Fresh tensors from the values: constants with no path to the nested tape.
    return grads(offsets).map((g) => tf.tensor(g.dataSync(), g.shape));
  });
  offsets.forEach((o) => o.dispose());
  const [value, ...points] = copies.map((c) => tf.tensor(c.data, c.shape));
  return { value, points, slopes };
}
