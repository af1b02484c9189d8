/**
 * NVIL: the score function with an input-dependent learned baseline, a constant (moving-average) baseline and
 * variance normalisation (Mnih, Gregor, *Neural Variational Inference and Learning in Belief Networks*,
 * arXiv:1402.0030, section 3 and Algorithm 1; docs/math.md section 11).
 *
 * With the learning signal f (the loss to minimise, per data point), the baseline network b_ψ(x) on the data the
 * guide reads, the moving average c of f − b(x) and the moving average v of its variance over the batch, the
 * centred, normalised signal is
 *   l = (f − b_ψ(x) − c) / max(1, √v)                                      (Algorithm 1)
 * and the estimator is l ∇_φ log q(z | x). The baseline network is trained by minimising the squared centred
 * signal ½ (f − b_ψ(x) − c)² / max(1, √v), whose ψ-gradient −l ∇_ψ b_ψ(x) is the paper's update for ψ.
 *
 * One departure, for unbiasedness at any batch size: the paper updates c and v with the current batch before
 * computing l; sgm uses the values of the previous steps (updated after the optimizer step, as the EMA baseline),
 * so the baseline of a draw never depends on that draw. b, c and v do not depend on z, so E[(b + c) ∇ log q] = 0.
 * The normalisation divides this estimate by a number fixed before the step: unbiased for ∇/max(1, √v). Where the
 * objective also differentiates φ directly (an analytic KL), that part is not divided, so the compiler leaves
 * normalisation off unless asked (`normalize = true`; docs/math.md section 11).
 */
import type { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { dense } from '../nn/dense.js';
import { initDense, type DenseWeights } from '../nn/init.js';
import { stopGradient } from '../ops/stop-gradient.js';

/** Options of an NVIL baseline (docs/reference.md: `with nvil(hidden = 100, decay = 0.9, normalize = true)`). */
export interface NvilOptions {
  /** tanh units of the baseline network's hidden layer (the NVIL paper's experiments use one layer of 100). */
  readonly hidden: number;
  /** Decay of the moving averages c and v. */
  readonly decay: number;
  /** Whether to divide by max(1, √v). */
  readonly normalize: boolean;
}

/** The baseline network, the moving averages and the surrogate terms of one node under `with nvil`. */
export class NvilBaseline {
  /** b_ψ: input → tanh(hidden) → 1 (trainable; its output layer starts at zero, so b starts at 0 and c at the mean). */
  readonly layers: readonly DenseWeights[];
  private readonly c: tf.Variable;
  private readonly v: tf.Variable;
  private readonly started: tf.Variable;
  private pending: { mean: tf.Scalar; variance: tf.Scalar } | undefined;

  constructor(
    rng: RandomStream,
    readonly name: string,
    readonly inputSize: number,
    readonly options: NvilOptions,
  ) {
    const hidden = initDense(rng, `${name}/0`, inputSize, options.hidden);
    // A zero output layer: b(x) = 0 at the start, so the first steps behave as the moving-average baseline alone.
    const out: DenseWeights = { name: `${name}/1`, W: tf.variable(tf.zeros([options.hidden, 1]), true), b: tf.variable(tf.zeros([1]), true) };
    this.layers = [hidden, out];
    this.c = tf.variable(tf.scalar(0), false);
    this.v = tf.variable(tf.scalar(0), false);
    // 0 until the first update: the first batch's statistics then become c and v (no bias towards 0).
    this.started = tf.variable(tf.scalar(0), false);
  }

  /** Trainable weights and non-trainable state, by name (for the optimizer and checkpoints). */
  variables(): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const l of this.layers) {
      out.push([`${l.name}/W`, l.W]);
      if (l.b) out.push([`${l.name}/b`, l.b]);
    }
    out.push([`${this.name}/c`, this.c], [`${this.name}/v`, this.v], [`${this.name}/started`, this.started]);
    return out;
  }

  /**
   * b_ψ(x) per data point, [B], from the data the guide reads (each [B, ...], flattened and concatenated; held
   * constant, so the baseline's loss trains ψ only).
   */
  predict(inputs: readonly tf.Tensor[]): tf.Tensor {
    const b = inputs[0].shape[0];
    const flat = inputs.map((t) => stopGradient(tf.reshape(t, [b, -1])));
    const x = flat.length === 1 ? flat[0] : tf.concat(flat, 1);
    const h = dense(x, this.layers[0].W, this.layers[0].b, 'tanh');
    return tf.reshape(dense(h, this.layers[1].W, this.layers[1].b, 'identity'), [b]);
  }

  /** 1 / max(1, √v) (1 when normalisation is off). */
  scale(): tf.Scalar {
    if (!this.options.normalize) return tf.scalar(1);
    return tf.div(1, tf.maximum(1, tf.sqrt(this.v))) as tf.Scalar;
  }

  /**
   * The surrogate of one node: mean(stop(l) · log q) + mean(½ (stop(f) − b(x) − c)²) · scale, with `logq` and
   * `signal` per data point [B] (a batch-total signal [] is centred by Σ_b b(x_b), the baseline of the whole
   * batch). Records the batch statistics of f − b(x) for `update`.
   */
  surrogate(logq: tf.Tensor, signal: tf.Tensor, inputs: readonly tf.Tensor[]): tf.Scalar {
    return this.enumerated([logq], [signal], [tf.scalar(1)], inputs);
  }

  /**
   * The surrogate beside a joint enumeration: configurations c with probabilities p_c (held constant), each with
   * its own log q and signal; Σ_c p_c · (the single-pass surrogate of c). The statistics recorded for `update`
   * are those of the expected residual Σ_c p_c (f_c − b(x)).
   */
  enumerated(logqs: readonly tf.Tensor[], signals: readonly tf.Tensor[], probs: readonly tf.Tensor[], inputs: readonly tf.Tensor[]): tf.Scalar {
    const perPoint = this.predict(inputs);
    const scale = this.scale();
    const terms: tf.Tensor[] = [];
    const residuals: tf.Tensor[] = [];
    signals.forEach((signal, i) => {
      const b = signal.rank === 0 ? tf.sum(perPoint) : perPoint;
      const residual = tf.sub(stopGradient(signal), b); // f − b(x): differentiable in ψ only
      const centred = tf.sub(residual, this.c);
      const sf = tf.mean(tf.mul(stopGradient(tf.mul(centred, scale)), logqs[i]));
      const baselineLoss = tf.mul(tf.mul(0.5, tf.mean(tf.square(centred))), scale);
      const p = stopGradient(probs[i]);
      terms.push(tf.mul(p, tf.add(sf, baselineLoss)));
      residuals.push(tf.mul(p, stopGradient(residual)));
    });
    this.observe(residuals.length === 1 ? residuals[0] : tf.addN(residuals));
    return (terms.length === 1 ? tf.reshape(terms[0], []) : tf.sum(tf.addN(terms))) as tf.Scalar;
  }

  private observe(residual: tf.Tensor): void {
    this.dropPending();
    const { mean, variance } = tf.moments(residual);
    this.pending = { mean: tf.keep(mean) as tf.Scalar, variance: tf.keep(variance) as tf.Scalar };
  }

  /** c ← d·c + (1 − d)·mean(f − b), v ← d·v + (1 − d)·var(f − b); called after the optimizer step. */
  update(): void {
    const p = this.pending;
    if (!p) return;
    tf.tidy(() => {
      const d = tf.mul(this.started, this.options.decay);
      const keep = tf.sub(1, d);
      this.c.assign(tf.add(tf.mul(d, this.c), tf.mul(keep, p.mean)));
      this.v.assign(tf.add(tf.mul(d, this.v), tf.mul(keep, p.variance)));
      this.started.assign(tf.scalar(1));
    });
    this.dropPending();
  }

  /** The moving averages (c, v) as numbers, for tests and reports. */
  state(): { c: number; v: number } {
    return { c: this.c.dataSync()[0], v: this.v.dataSync()[0] };
  }

  private dropPending(): void {
    this.pending?.mean.dispose();
    this.pending?.variance.dispose();
    this.pending = undefined;
  }

  dispose(): void {
    this.dropPending();
    for (const [, v] of this.variables()) v.dispose();
  }
}
