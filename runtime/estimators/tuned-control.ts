/**
 * The step lifecycle shared by the estimators whose control variate has parameters φ tuned on the estimator's
 * variance (RELAX eq. 5: d/dφ Var(ĝ) = d/dφ E[ĝ²]): REBAR and RELAX (rebar.ts, relax.ts) and RELAX over IGR
 * (relax-igr.ts). Per step:
 *
 *   draw      the estimator keeps the step's noise (subclass: `disposeNoise` releases it);
 *   surrogate the subclass computes ĝ² by nested tf.grads inside `varianceGradient`, which records Σ ĝ²/B as
 *             `lastVariance` and keeps d/dφ E[ĝ²] until `update`; the tensors the loss' surrogate shares with the
 *             trainer's backward pass are handed to `keepUntilUpdate`;
 *   update    after the model's optimizer step: Adam (ControlAdam) on φ with the kept variance gradient, then the
 *             step's noise and kept tensors are released.
 *
 * φ is not trainable for the trainer (its loss gradient is not its update). The variance gradient differentiates
 * tfjs backward passes that use comparisons (Maximum's, Max's, reached through softplus, logsumexp, softmax++), so
 * the constructor registers their zero gradients (comparison-gradients.ts).
 */
import { tf } from '../../stdlib/tf.js';
import { registerComparisonGradients } from './comparison-gradients.js';
import { ControlAdam } from './control-adam.js';

export abstract class TunedControlVariate {
  private kept: tf.Tensor[] = [];
  private pending: tf.Tensor[] | undefined;
  private adam: ControlAdam | undefined;
  /** The last step's Σ ĝ² / B (the variance objective), for diagnostics and tests. */
  lastVariance: number | undefined;

  constructor(
    readonly name: string,
    private readonly learningRate: number,
    private readonly tune: boolean,
  ) {
    registerComparisonGradients();
  }

  /** The control parameters φ tuned by the variance gradient (made before the first call). */
  protected abstract controlParameters(): tf.Variable[];
  /** φ by checkpoint name. */
  protected abstract ownVariables(): Array<[string, tf.Variable]>;
  /** Releases the step's noise (called by `update` and `dispose`). */
  protected abstract disposeNoise(): void;

  /** The variables to checkpoint, by name: φ and its Adam state. */
  variables(): Array<[string, tf.Variable]> {
    return [...this.ownVariables(), ...this.optimizer().variables(this.name)];
  }

  /** The Adam of φ, made on first use (after a subclass has made its parameters). */
  private optimizer(): ControlAdam {
    this.adam ??= new ControlAdam(this.controlParameters(), this.learningRate);
    return this.adam;
  }

  /**
   * Evaluates `objective` (Σ ĝ² / B, built with nested tf.grads so that it is differentiable in φ), records it
   * as `lastVariance`, and keeps its gradient in φ for `update` (none when tuning is off).
   */
  protected varianceGradient(objective: () => tf.Scalar): void {
    const params = this.controlParameters();
    const { value, grads } = tf.engine().gradients(objective, params, undefined, true);
    this.lastVariance = (value.dataSync() as Float32Array)[0];
    value.dispose();
    this.disposePending();
    if (this.tune && this.learningRate > 0) this.pending = grads.map((g, i) => tf.keep(g ?? tf.zerosLike(params[i])));
    else tf.dispose(grads);
  }

  /** Tensors the loss' surrogate shares with the trainer's backward pass, released at `update` (or the next step). */
  protected keepUntilUpdate(tensors: tf.Tensor[]): void {
    this.releaseKept();
    this.kept = tensors;
  }

  /** Releases the previous step's kept tensors (a surrogate calls it first: its own keeps replace them). */
  protected releaseKept(): void {
    tf.dispose(this.kept);
    this.kept = [];
  }

  /** The variance gradient of φ from the last surrogate (until `update`). */
  pendingGradients(): readonly tf.Tensor[] {
    return this.pending ?? [];
  }

  /**
   * Applies the last variance gradient to φ (Adam; called after the model's optimizer step, when the step's
   * backward pass is over) and releases the step's noise and kept values.
   */
  update(): void {
    if (this.pending) this.optimizer().apply(this.pending);
    this.disposePending();
    this.releaseKept();
    this.disposeNoise();
  }

  private disposePending(): void {
    if (this.pending) tf.dispose(this.pending);
    this.pending = undefined;
  }

  /** Frees the step's state, the Adam state and φ. */
  dispose(): void {
    this.disposeNoise();
    this.disposePending();
    this.releaseKept();
    this.adam?.dispose();
    tf.dispose(this.controlParameters());
  }
}
