/**
 * Adam (Kingma, Ba, arXiv:1412.6980) for the control parameters of the relaxation-based estimators (η, log λ, a
 * control network), which the model's optimizer does not train: they follow the gradient of the estimator's
 * variance, not of the loss (rebar.ts). The moments and the step count are variables of the model (non-trainable,
 * listed by `variables`), so checkpoints save them, `--resume` continues exactly, and the model's dispose frees them.
 */
import { tf } from '../../stdlib/tf.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
/** tfjs' default Adam epsilon. */
const EPSILON = 1e-7;

export class ControlAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  /** Steps taken (a float32 scalar: exact up to 2^24 steps). */
  private readonly t: tf.Variable;

  constructor(
    private readonly params: readonly tf.Variable[],
    private readonly learningRate: number,
  ) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.t = tf.variable(tf.scalar(0), false);
  }

  /** The optimizer's state by checkpoint name. */
  variables(prefix: string): Array<[string, tf.Variable]> {
    return [
      ...this.m.map((m, i): [string, tf.Variable] => [`${prefix}/adam/m${i}`, m]),
      ...this.v.map((v, i): [string, tf.Variable] => [`${prefix}/adam/v${i}`, v]),
      [`${prefix}/adam/t`, this.t],
    ];
  }

  /** One Adam step of every parameter with its gradient (same order as the constructor's parameters). */
  apply(grads: readonly tf.Tensor[]): void {
    tf.tidy(() => {
      const t = tf.add(this.t, 1);
      this.t.assign(t);
      const c1 = tf.sub(1, tf.pow(BETA1, t));
      const c2 = tf.sub(1, tf.pow(BETA2, t));
      this.params.forEach((p, i) => {
        const m = tf.add(tf.mul(this.m[i], BETA1), tf.mul(grads[i], 1 - BETA1));
        const v = tf.add(tf.mul(this.v[i], BETA2), tf.mul(tf.square(grads[i]), 1 - BETA2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), EPSILON));
        p.assign(tf.sub(p, tf.mul(step, this.learningRate)));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, this.t]);
  }
}
