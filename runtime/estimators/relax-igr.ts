/**
 * RELAX over IGR (IGR paper, Potapczynski, Loaiza-Ganem, Cunningham, arXiv:1912.09588, appendix D, eq. 39): the
 * discrete variable is H = h(y), y = μ + σ ε ~ N(μ, diag σ²), whose distribution α(μ, σ) is given by Proposition 2
 * (igr-discrete.ts), and the objective E_{H ~ α(μ,σ)}[f(H)] is optimised over (μ, σ) directly, with the relaxed
 * objective f(softmax++(y/τ)) in the control variate.
 *
 * Appendix D gives no sampler of y conditionally on H (RELAX's Algorithm 2 needs z̃ ~ p(z | b); for the Gumbel
 * and logistic noise of REBAR it is closed form, for a Gaussian maximum it is not). The estimator is therefore the
 * form the IGR authors' code uses, a score function for H plus a zero-mean correction in the Gaussian noise
 * (RELAX section 3.2, the LAX form applied to the continuous y that determines H):
 *
 *   ĝ = f(H) ∇ log α_H(μ, σ) − c_φ(y) ∇ log N(y | μ, σ) + ∇ c_φ(y),   c_φ(y) = η f(softmax++(y/τ)) + r_ρ(y),
 *
 * unbiased for every φ: E[c_φ(y) ∇ log N(y | μ, σ)] = ∇ E[c_φ(y)] = E[∇ c_φ(y)] (score identity and
 * reparameterization of the same expectation). The surrogate is
 *   stop(f(H)) · log α_H(μ, σ) − stop(c_φ(y)) · log N(stop(y) | μ, σ) + c_φ(y).
 * φ = (η, ρ) is trained on d/dφ E[ĝ²] with ĝ taken with respect to (μ, σ), by nested gradients as in rebar.ts. The
 * temperature τ is the IGR's own (not tuned: softmax++'s internal exp/logsumexp gradients read saved outputs,
 * which a second gradient treats as constants; see relaxation-noise.ts).
 */
import { igrHard } from '../../stdlib/igr/discrete-recovery.js';
import type { RandomStream } from '../../stdlib/random.js';
import { normalLogDensity } from '../../stdlib/special/normal.js';
import { stopGradient } from '../../stdlib/stop-gradient.js';
import { tf } from '../../stdlib/tf.js';
import { softmaxPlusPlus } from '../../stdlib/transforms/softmax-plus-plus.js';
import { igrLogProbs } from './igr-discrete.js';
import { expandPerPoint, sumToSignal } from './rebar.js';
import { ControlAdam } from './control-adam.js';
import { ControlNetwork } from './relax.js';

/** Options of RELAX over IGR. */
export interface RelaxIgrOptions {
  readonly hidden: number;
  readonly eta: number;
  readonly learningRate: number;
}

export const RELAX_IGR_DEFAULTS: RelaxIgrOptions = { hidden: 50, eta: 1, learningRate: 1e-3 };

/** What the surrogate needs for one IGR_I latent. */
export interface RelaxIgrInput {
  /** Gaussian parameters [..., K−1] on the tape (the draw came from `draw(mu, sigma, rng)`). */
  readonly mu: tf.Tensor;
  readonly sigma: tf.Tensor;
  /** The IGR's temperature τ (constant here). */
  readonly tau: tf.Tensor | number;
  /** The step's one-hot draw H [..., K]. */
  readonly b: tf.Tensor;
  /** f(H) in the loss' sense, per data point [B] or [] (held constant). */
  readonly signal: tf.Tensor;
  /** f at a relaxed value z on the simplex [..., K]. */
  readonly signalAt: (relaxed: tf.Tensor) => tf.Tensor;
}

/** RELAX over IGR for one latent: its noise, control network, surrogate and variance-gradient update. */
export class RelaxIgrEstimator {
  readonly eta: tf.Variable;
  private readonly net: ControlNetwork;
  private eps: tf.Tensor | undefined;
  private kept: tf.Tensor[] = [];
  private pending: tf.Tensor[] | undefined;
  private readonly adam: ControlAdam;
  /** The last step's Σ ĝ² / B. */
  lastVariance: number | undefined;

  /** `inputSize`: the latent's Gaussian coordinates per data point (variables × (K − 1)). */
  constructor(
    readonly name: string,
    inputSize: number,
    seed: number | RandomStream,
    readonly options: RelaxIgrOptions = RELAX_IGR_DEFAULTS,
  ) {
    this.eta = tf.variable(tf.scalar(options.eta), false);
    this.net = new ControlNetwork(inputSize, options.hidden, seed);
    this.adam = new ControlAdam(this.controlParameters(), options.learningRate);
  }

  variables(): Array<[string, tf.Variable]> {
    return [[`${this.name}/eta`, this.eta], ...this.net.variables(this.name), ...this.adam.variables(this.name)];
  }

  private controlParameters(): tf.Variable[] {
    return [this.eta, ...this.net.parameters()];
  }

  /** Draws ε (kept for the step) and returns the one-hot H = h(μ + σ ε) (Proposition 1's hard map). */
  draw(mu: tf.Tensor, sigma: tf.Tensor, rng: RandomStream): tf.Tensor {
    this.eps?.dispose();
    this.eps = tf.keep(rng.normal([...tf.backend_util.assertAndGetBroadcastShape(mu.shape, sigma.shape)]));
    const eps = this.eps;
    return tf.tidy(() => igrHard(tf.add(mu, tf.mul(sigma, eps))));
  }

  /** c_φ(y) per data point. */
  private control(y: tf.Tensor, input: RelaxIgrInput): tf.Tensor {
    const relaxed = input.signalAt(softmaxPlusPlus(y, input.tau));
    return tf.add(tf.mul(this.eta, relaxed), this.net.apply(tf.tanh(tf.mul(y, 0.5)), input.signal.rank === 0));
  }

  /** The surrogate scalar to ADD to the loss (see the file comment); also the variance gradient of φ. */
  surrogate(input: RelaxIgrInput): tf.Scalar {
    tf.dispose(this.kept);
    const eps = this.eps;
    if (!eps) throw new Error(`estimator '${this.name}': surrogate before the step's draw`);
    const params = this.controlParameters();
    const points = input.signal.rank === 0 ? 1 : input.signal.shape[0];
    // ∂ log α_H / ∂(μ, σ): first order, independent of φ.
    const [scoreMu, scoreSigma] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(input.b, igrLogProbs(m, s))) as tf.Scalar)([
      input.mu,
      input.sigma,
    ]);
    let cKept: tf.Tensor | undefined;
    const { value, grads } = tf.engine().gradients(
      () => {
        const [pathMu, pathSigma] = tf.grads((m: tf.Tensor, s: tf.Tensor) => {
          cKept = tf.keep(this.control(tf.add(m, tf.mul(s, eps)), input));
          return tf.sum(cKept) as tf.Scalar;
        })([input.mu, input.sigma]);
        const c = expandPerPoint(cKept as tf.Tensor, input.mu.rank);
        const f = expandPerPoint(input.signal, input.mu.rank);
        // ∇ log N(y | μ, σ) at y = μ + σ ε: ε/σ for μ, (ε² − 1)/σ for σ.
        const nMu = tf.div(eps, input.sigma);
        const nSigma = tf.div(tf.sub(tf.square(eps), 1), input.sigma);
        const gMu = tf.add(tf.sub(tf.mul(f, scoreMu), tf.mul(c, nMu)), pathMu);
        const gSigma = tf.add(tf.sub(tf.mul(f, scoreSigma), tf.mul(c, nSigma)), pathSigma);
        return tf.div(tf.add(tf.sum(tf.square(gMu)), tf.sum(tf.square(gSigma))), points) as tf.Scalar;
      },
      params,
      undefined,
      true,
    );
    this.lastVariance = value.dataSync()[0];
    value.dispose();
    if (this.pending) tf.dispose(this.pending);
    this.pending = this.options.learningRate > 0 ? grads.map((g, i) => tf.keep(g ?? tf.zerosLike(params[i]))) : undefined;
    if (this.pending === undefined) tf.dispose(grads);
    tf.dispose([scoreMu, scoreSigma]);
    const c = cKept as tf.Tensor;
    this.kept = [c];
    const logAlpha = sumToSignal(tf.sum(tf.mul(input.b, igrLogProbs(input.mu, input.sigma)), -1), input.signal);
    const y = stopGradient(tf.add(input.mu, tf.mul(input.sigma, eps)));
    const logN = sumToSignal(normalLogDensity(y, input.mu, input.sigma), input.signal);
    const terms = tf.add(tf.sub(tf.mul(stopGradient(input.signal), logAlpha), tf.mul(stopGradient(c), logN)), c);
    return tf.mean(terms) as tf.Scalar;
  }

  /** The variance gradient of φ from the last `surrogate` call (until `update`). */
  pendingGradients(): readonly tf.Tensor[] {
    return this.pending ?? [];
  }

  /** Applies the last variance gradient to φ (Adam), after the model's optimizer step. */
  update(): void {
    if (this.pending) this.adam.apply(this.pending);
    tf.dispose([...(this.pending ?? []), ...this.kept]);
    this.pending = undefined;
    this.kept = [];
    this.eps?.dispose();
    this.eps = undefined;
  }

  dispose(): void {
    this.eps?.dispose();
    tf.dispose(this.kept);
    if (this.pending) tf.dispose(this.pending);
    this.adam.dispose();
    this.eta.dispose();
    this.net.dispose();
  }
}
