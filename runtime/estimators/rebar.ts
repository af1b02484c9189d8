/**
 * REBAR (Tucker, Mnih, Maddison, Lawson, Sohl-Dickstein 2017, "REBAR: Low-variance, unbiased gradient estimates
 * for discrete latent variable models", arXiv:1703.07370), as a surrogate term of the loss (docs/math.md
 * section 11). For a discrete draw b = H(z), z = z(α, u), and z̃ ~ p(z | b) (relaxation-noise.ts):
 *
 *   ĝ = [f(b) − c(z̃)] ∇ log p(b | α) + ∇ c(z) − ∇ c(z̃),   c(z) = η · f(σ_λ(z))          (REBAR eq. 6 / RELAX eq. 8)
 *
 * unbiased for every η and temperature λ (the last two terms cancel the first's control variate in expectation).
 * The surrogate whose gradient is ĝ is  stop(f(b) − c(z̃)) · log p(b) + c(z) − c(z̃).
 *
 * η and λ are tuned, as in REBAR section 3.3, by minimising the estimator's variance: Var(ĝ) = E[ĝ²] − (∇E f)², whose
 * second term does not depend on (η, λ), so d/d(η, λ) Var = d/d(η, λ) E[ĝ²] (RELAX eq. 5). We take ĝ with respect
 * to the distribution's logits α (as the authors' reference code does), compute it with one tf.grads, and
 * differentiate Σ ĝ² with respect to (η, log λ) with a second tf.grads around it: tfjs records the ops of a
 * backward pass run inside another gradient scope, so nested gradients are available for every op the relaxed
 * objective uses (checked by test/estimators/rebar.test.ts, which compares with a finite difference). The step
 * lifecycle (the variance gradient kept until `update`, its Adam after the model's step) is tuned-control.ts's.
 */
import { markRelaxedDiscrete } from '../../stdlib/distributions/log-space.js';
import type { RandomStream } from '../../stdlib/random.js';
import { stopGradient } from '../../stdlib/stop-gradient.js';
import { tf } from '../../stdlib/tf.js';
import { TunedControlVariate } from './tuned-control.js';
import {
  conditionalPerturb,
  discreteLogProb,
  drawNoise,
  hardThreshold,
  perturb,
  relaxValue,
  type RelaxationFamily,
  type RelaxationNoise,
} from './relaxation-noise.js';

/** Options of `with rebar(...)` (defaults: docs/reference.md). */
export interface RebarOptions {
  /** Initial temperature λ of the relaxation σ_λ (tuned by the variance gradient unless `tune` is false). */
  readonly temperature: number;
  /** Initial scale η of the control variate. */
  readonly eta: number;
  /** Adam learning rate of the control parameters (η, log λ, and RELAX's network). */
  readonly learningRate: number;
  /** Tune the control parameters by the variance gradient (false: keep η and λ fixed). */
  readonly tune: boolean;
}

export const REBAR_DEFAULTS: RebarOptions = { temperature: 0.5, eta: 1, learningRate: 1e-3, tune: true };

/** What the surrogate needs from the generated model for one latent (shapes: docs/math.md section 11). */
export interface RelaxationTermInput {
  /** The logits α of the latent's distribution, on the tape (the draw came from `draw(α, rng)`). */
  readonly logits: tf.Tensor;
  /** The step's discrete draw b (from `draw`). */
  readonly b: tf.Tensor;
  /** f(b), the learning signal in the loss' sense (to minimise): per data point [B], or [] for a batch total. */
  readonly signal: tf.Tensor;
  /** f with this latent replaced by a relaxed value (same shape as signal); differentiable in its input. */
  readonly signalAt: (relaxed: tf.Tensor) => tf.Tensor;
}

/** Sums x over every axis but the first (per data point), or over all axes when the signal is a scalar. */
export function sumToSignal(x: tf.Tensor, signal: tf.Tensor): tf.Tensor {
  if (signal.rank === 0) return tf.sum(x);
  if (x.rank <= 1) return x;
  return tf.sum(x, Array.from({ length: x.rank - 1 }, (_, i) => i + 1));
}

/** ∂ log p(b | α)/∂α: b − σ(α) (Bernoulli), b − softmax(α) (categorical, over the last axis). */
export function discreteScore(family: RelaxationFamily, logits: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.sub(b, family === 'bernoulli' ? tf.sigmoid(logits) : tf.softmax(logits, -1));
}

/** A per-data-point value [B] (or a scalar) reshaped to broadcast against a [B, ...] tensor of the given rank. */
export function expandPerPoint(x: tf.Tensor, rank: number): tf.Tensor {
  return x.rank === 0 ? x : tf.reshape(x, [x.shape[0], ...Array.from({ length: rank - 1 }, () => 1)]);
}

/**
 * The relaxed evaluation in progress: the creation order of the latent whose control variate is being evaluated
 * (generated code creates a model's estimators in the guide's order), or undefined outside one. Evaluation is
 * synchronous, so module state is enough. See `sample`.
 */
let relaxedPassOf: number | undefined;
let created = 0;

/** Runs `fn` as the relaxed evaluation of the latent with creation order `order`. */
function inRelaxedPass<T>(order: number, fn: () => T): T {
  const outer = relaxedPassOf;
  relaxedPassOf = order;
  try {
    return fn();
  } finally {
    relaxedPassOf = outer;
  }
}

/** The REBAR estimator of one latent: its control parameters, the step's noise and the surrogate. */
export class RebarEstimator extends TunedControlVariate {
  readonly eta: tf.Variable;
  readonly logTemperature: tf.Variable;
  /** Creation order: a model creates its estimators in the guide's order. */
  readonly order = created++;
  protected noise: RelaxationNoise | undefined;

  constructor(
    name: string,
    readonly family: RelaxationFamily,
    readonly options: RebarOptions = REBAR_DEFAULTS,
  ) {
    super(name, options.learningRate, options.tune);
    // Non-trainable for the trainer: updated by `update` with their variance gradient (tuned-control.ts).
    this.eta = tf.variable(tf.scalar(options.eta), false);
    // log λ keeps λ > 0 under any update.
    this.logTemperature = tf.variable(tf.scalar(Math.log(options.temperature)), false);
  }

  /** The control parameters by checkpoint name (a subclass adds its own). */
  protected ownVariables(): Array<[string, tf.Variable]> {
    return [
      [`${this.name}/eta`, this.eta],
      [`${this.name}/log_temperature`, this.logTemperature],
    ];
  }

  /** The control parameters tuned by the variance gradient. */
  protected controlParameters(): tf.Variable[] {
    return [this.eta, this.logTemperature];
  }

  /** The temperature λ = exp(log λ) (a new scalar: for metrics and the relaxation). */
  temperature(): tf.Scalar {
    return tf.exp(this.logTemperature) as tf.Scalar;
  }

  /** η as a new scalar (for metrics: the caller disposes it, never the variable). */
  etaValue(): tf.Scalar {
    return tf.clone(this.eta) as tf.Scalar;
  }

  /**
   * The logits of the node's distribution (Bernoulli: `logits`; OneHotCategorical: normalised log-probabilities),
   * broadcast to a leading sample shape when the draw has one (the `: [B]` of a parameter-only distribution).
   */
  logitsOf(dist: { readonly logits: tf.Tensor }, _rng?: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    const l = dist.logits;
    return sampleShape.length === 0 ? l : tf.broadcastTo(l, [...sampleShape, ...l.shape]);
  }

  /** Draws this step's noise (u, v) and returns b = H(z(α, u)); the noise is kept until the next draw. */
  draw(logits: tf.Tensor, rng: RandomStream): tf.Tensor {
    this.disposeNoise();
    const { u, v } = drawNoise(rng, logits.shape);
    this.noise = { u: tf.keep(u), v: tf.keep(v) };
    return hardThreshold(this.family, perturb(this.family, logits, this.noise.u));
  }

  /**
   * The latent's value where generated code draws it. Normally the step's draw (`draw`). Inside the relaxed
   * evaluation of another latent k (its control variate c(z_k)), the value is a function of this step's noise u, so
   * that c is continuous in z_k and the estimator stays unbiased (docs/math.md section 11): a latent drawn before
   * k keeps its discrete value H(z(α, u)) (the conditioning value of k's draw), a latent drawn after k takes its
   * relaxed value σ_λ(z(α, u)) (REBAR section 3.3's multi-layer construction).
   */
  sample(logits: tf.Tensor, rng: RandomStream): tf.Tensor {
    if (relaxedPassOf === undefined || relaxedPassOf === this.order) return this.draw(logits, rng);
    const z = perturb(this.family, logits, this.requireNoise().u);
    if (this.order < relaxedPassOf) return hardThreshold(this.family, z);
    return markRelaxedDiscrete(relaxValue(this.family, z, stopGradient(this.temperature())));
  }

  /**
   * The control variate c(z) (shape of the signal): η · f(σ_λ(z)) for REBAR. RELAX adds a learned network.
   * `a` is the logits the relaxed value is differentiated against.
   */
  protected control(z: tf.Tensor, input: RelaxationTermInput, temperature: tf.Tensor, eta: tf.Tensor): tf.Tensor {
    const relaxed = markRelaxedDiscrete(relaxValue(this.family, z, temperature));
    return tf.mul(eta, inRelaxedPass(this.order, () => input.signalAt(relaxed)));
  }

  /** c(z) and c(z̃) per data point (or scalars), differentiable in the logits `a` and the control parameters. */
  private controls(a: tf.Tensor, input: RelaxationTermInput, params: tf.Tensor[]): { cz: tf.Tensor; czTilde: tf.Tensor } {
    const [eta, logTemperature] = params;
    const noise = this.requireNoise();
    const temperature = tf.exp(logTemperature);
    const z = perturb(this.family, a, noise.u);
    const zTilde = conditionalPerturb(this.family, a, input.b, noise.v);
    return { cz: this.control(z, input, temperature, eta), czTilde: this.control(zTilde, input, temperature, eta) };
  }

  /**
   * The surrogate scalar to ADD to the loss, mean over data points of  stop(f(b) − c(z̃)) · log p(b) + c(z) − c(z̃),
   * whose gradient in the model's parameters is the REBAR estimate. Also computes the variance gradient of the
   * control parameters, applied by `update`.
   */
  surrogate(input: RelaxationTermInput): tf.Scalar {
    this.releaseKept();
    const params = this.controlParameters();
    const points = input.signal.rank === 0 ? 1 : input.signal.shape[0];
    let path: tf.Tensor | undefined;
    let cTilde: tf.Tensor | undefined;
    // d/dp E[ĝ²] (RELAX eq. 5) by nested gradients. ĝ with respect to the logits α is written out as
    //   ĝ_α = (f(b) − c(z̃)) · ∂ log p(b)/∂α + ∂[c(z) − c(z̃)]/∂α,
    // the first factor NOT stopped (it depends on η, λ, φ; the authors' reference code keeps it too), the second
    // by an inner tf.grads; the outer gradient differentiates Σ ĝ² / B through that backward pass.
    this.varianceGradient(() => {
      const [gPath] = tf.grads((a: tf.Tensor) => {
        const { cz, czTilde } = this.controls(a, input, params);
        // Kept: the loss' surrogate below reuses both (their tape records stay valid for the trainer's backward).
        path = tf.keep(tf.sub(cz, czTilde));
        cTilde = tf.keep(czTilde);
        return tf.sum(path) as tf.Scalar;
      })([input.logits]);
      const advantage = tf.sub(input.signal, cTilde as tf.Tensor);
      const score = discreteScore(this.family, input.logits, input.b);
      const g = tf.add(gPath, tf.mul(expandPerPoint(advantage, score.rank), score));
      return tf.div(tf.sum(tf.square(g)), points) as tf.Scalar;
    });
    if (!path || !cTilde) throw new Error('REBAR surrogate was not computed');
    this.keepUntilUpdate([path, cTilde]);
    const logP = sumToSignal(discreteLogProb(this.family, input.logits, input.b), input.signal);
    const advantage = stopGradient(tf.sub(input.signal, cTilde));
    return tf.mean(tf.add(tf.mul(advantage, logP), path)) as tf.Scalar;
  }

  private requireNoise(): RelaxationNoise {
    if (!this.noise) throw new Error(`estimator '${this.name}': relaxed value requested before the step's draw`);
    return this.noise;
  }

  protected disposeNoise(): void {
    if (this.noise) tf.dispose([this.noise.u, this.noise.v]);
    this.noise = undefined;
  }
}
