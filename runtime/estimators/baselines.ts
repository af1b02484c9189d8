/**
 * Baselines of score-function estimators. The exponential moving average keeps its state in a non-trainable
 * tf.Variable, so checkpoints save it and `--resume` continues exactly; leave-one-out needs no state.
 */
import { tf } from '../../stdlib/tf.js';

/** b ← decay·b + (1 − decay)·mean(signal), updated once per optimizer step (Pyro's decaying average). */
export class EmaBaseline {
  /** The baseline value (non-trainable; saved in checkpoints). */
  readonly variable: tf.Variable;
  private pending: tf.Scalar | undefined;
  private started: tf.Variable;

  constructor(
    readonly name: string,
    readonly decay: number,
  ) {
    this.variable = tf.variable(tf.scalar(0), false);
    // 0 until the first update: the first observed mean then becomes the baseline (no bias towards 0).
    this.started = tf.variable(tf.scalar(0), false);
  }

  /** The variables to checkpoint, by name. */
  variables(): Array<[string, tf.Variable]> {
    return [
      [`${this.name}/value`, this.variable],
      [`${this.name}/started`, this.started],
    ];
  }

  /** Records the mean learning signal of this step (kept until `update`). */
  observe(signal: tf.Tensor): void {
    this.pending?.dispose();
    this.pending = tf.keep(tf.mean(signal)) as tf.Scalar;
  }

  /** Applies the recorded signal (called after the optimizer step). */
  update(): void {
    const s = this.pending;
    if (!s) return;
    tf.tidy(() => {
      const d = tf.mul(this.started, this.decay); // decay once started, 0 before: b = first signal
      this.variable.assign(tf.add(tf.mul(d, this.variable), tf.mul(tf.sub(1, d), s)));
      this.started.assign(tf.scalar(1));
    });
    s.dispose();
    this.pending = undefined;
  }

  dispose(): void {
    this.pending?.dispose();
    this.variable.dispose();
    this.started.dispose();
  }
}

/** Leave-one-out baselines of S samples stacked on axis 0: b_i = (Σ_j f_j − f_i) / (S − 1). */
export function leaveOneOut(signals: tf.Tensor): tf.Tensor {
  const s = signals.shape[0];
  return tf.div(tf.sub(tf.sum(signals, 0, true), signals), s - 1);
}
