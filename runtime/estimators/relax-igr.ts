/**
 * RELAX over IGR (IGR paper, Potapczynski, Loaiza-Ganem, Cunningham, arXiv:1912.09588, appendix D, eq. 39): the
 * discrete variable is H = h(y), y = μ + σ ε ~ N(μ, diag σ²), whose distribution α(μ, σ) is given by Proposition 2
 * (stdlib/igr/discrete-log-probs.ts), and the objective E_{H ~ α(μ,σ)}[f(H)] is optimised over (μ, σ) directly, with the relaxed
 * objective f(softmax++(y/τ)) in the control variate.
 *
 * Proposition 2 gives the mass α(μ, σ) (hence the score ∇ log α_H that RELAX needs), not a sampler of y given H:
 * RELAX's Algorithm 2 needs z̃ ~ p(z | b), closed form for the Gumbel and logistic noise of REBAR, but for the
 * Gaussian argmax the conditional of the winning coordinate is a one-dimensional density without a closed-form
 * inverse CDF (appendix D does not give one). The estimator is therefore a score function for H plus a zero-mean
 * correction in the Gaussian noise (RELAX section 3.2, the LAX form applied to the continuous y that determines H):
 *
 *   ĝ = f(H) ∇ log α_H(μ, σ) − c_φ(y) ∇ log N(y | μ, σ) + ∇ c_φ(y),   c_φ(y) = η f(softmax++(y/τ)) + r_ρ(y),
 *
 * unbiased for every φ: E[c_φ(y) ∇ log N(y | μ, σ)] = ∇ E[c_φ(y)] = E[∇ c_φ(y)] (score identity and
 * reparameterization of the same expectation), where ∇ c_φ(y) is the derivative THROUGH y only (c also reads
 * the decoder's weights and an analytic KL, which must not be differentiated here). The surrogate is
 *   stop(f(H)) · log α_H(μ, σ) − stop(c_φ(y)) · log N(stop(y) | μ, σ) + stop(∂c/∂μ) · μ + stop(∂c/∂σ) · σ.
 * φ = (η, ρ) is trained on d/dφ E[ĝ²] with ĝ taken with respect to (μ, σ), by nested gradients as in rebar.ts. The
 * temperature τ is the IGR's own (not tuned: softmax++'s internal exp/logsumexp gradients read saved outputs,
 * which a second gradient treats as constants; see relaxation-noise.ts).
 *
 * The IGR authors' code (github.com/cunningham-lab/igr, Models/OptRELAXIGR) evaluates c at a SECOND, independent
 * Gaussian draw, which adds E[∇c] to the gradient (biased); here c is evaluated at the y that made H, which keeps
 * the estimator unbiased (test/estimators/relax-igr.test.ts, test/estimators/relax-igr-model.test.ts). Selectable
 * as `z ~ IGR_I(mu, sigma, tau) with relax` (compiler/estimators/relax.ts); the step lifecycle is tuned-control.ts's.
 */
import { igrHard } from '../../stdlib/igr/discrete-recovery.js';
import { IGR_QUADRATURE_NODES, igrLogProbs, shareDiscreteLogProbs } from '../../stdlib/igr/discrete-log-probs.js';
import type { RandomStream } from '../../stdlib/random.js';
import { normalLogDensity } from '../../stdlib/special/normal.js';
import { stopGradient } from '../../stdlib/stop-gradient.js';
import { tf } from '../../stdlib/tf.js';
import { softmaxPlusPlus } from '../../stdlib/transforms/softmax-plus-plus.js';
import { expandPerPoint, sumToSignal } from './rebar.js';
import { ControlNetwork } from './relax.js';
import { TunedControlVariate } from './tuned-control.js';

/** Options of RELAX over IGR (`with relax(hidden, eta, lr)` on an IGR_I latent). */
export interface RelaxIgrOptions {
  readonly hidden: number;
  readonly eta: number;
  readonly learningRate: number;
  /** Gauss-Legendre nodes of Proposition 2's quadrature (stdlib/igr/discrete-log-probs.ts). */
  readonly nodes?: number;
}

export const RELAX_IGR_DEFAULTS: RelaxIgrOptions = { hidden: 50, eta: 1, learningRate: 1e-3, nodes: IGR_QUADRATURE_NODES };

/** The Gaussian parameters of an IGR_I distribution (stdlib/distributions/igr-base.ts), as generated code passes it. */
export interface IgrGaussian {
  readonly mu: tf.Tensor;
  readonly sigma: tf.Tensor;
  readonly tau: tf.Tensor | number;
  readonly delta?: number;
}

/** What the surrogate needs for one IGR_I latent. */
export interface RelaxIgrInput {
  /** Gaussian parameters [..., K−1] on the tape (the draw came from `draw(mu, sigma, rng)`). */
  readonly mu: tf.Tensor;
  readonly sigma: tf.Tensor;
  /** The IGR's temperature τ (constant here) and δ of softmax++ (default 1). */
  readonly tau: tf.Tensor | number;
  readonly delta?: number;
  /** The step's one-hot draw H [..., K]. */
  readonly b: tf.Tensor;
  /** f(H) in the loss' sense, per data point [B] or [] (held constant). */
  readonly signal: tf.Tensor;
  /** f at a relaxed value z on the simplex [..., K]. */
  readonly signalAt: (relaxed: tf.Tensor) => tf.Tensor;
}

/** RELAX over IGR for one latent: its noise, control network, surrogate (lifecycle: tuned-control.ts). */
export class RelaxIgrEstimator extends TunedControlVariate {
  readonly eta: tf.Variable;
  private readonly net: ControlNetwork;
  private eps: tf.Tensor | undefined;
  /** log α(μ, σ) [..., K] of the step's draw, on the tape (one quadrature per step, shared by log q and the surrogate). */
  private logAlpha: tf.Tensor | undefined;

  /** `inputSize`: the latent's Gaussian coordinates per data point (variables × (K − 1)). */
  constructor(
    name: string,
    inputSize: number,
    seed: number | RandomStream,
    readonly options: RelaxIgrOptions = RELAX_IGR_DEFAULTS,
  ) {
    super(name, options.learningRate, true);
    this.eta = tf.variable(tf.scalar(options.eta), false);
    this.net = new ControlNetwork(inputSize, options.hidden, seed);
  }

  protected ownVariables(): Array<[string, tf.Variable]> {
    return [[`${this.name}/eta`, this.eta], ...this.net.variables(this.name)];
  }

  protected controlParameters(): tf.Variable[] {
    return [this.eta, ...this.net.parameters()];
  }

  protected disposeNoise(): void {
    tf.dispose([this.eps, this.logAlpha].filter((t): t is tf.Tensor => t !== undefined));
    this.eps = undefined;
    this.logAlpha = undefined;
  }

  /** η as a new scalar (for metrics). */
  etaValue(): tf.Scalar {
    return tf.clone(this.eta) as tf.Scalar;
  }

  /** log α(μ, σ) [..., K] by the quadrature with this estimator's node count. */
  private logProbs(mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
    return igrLogProbs(mu, sigma, this.options.nodes ?? IGR_QUADRATURE_NODES);
  }

  /**
   * The IGR_I of this pass (generated code calls it where the guide draws): its discrete KL then reads the step's
   * log α instead of a quadrature of its own (stdlib/igr/discrete-log-probs.ts). Returns `q`.
   */
  attach<Q extends IgrGaussian>(q: Q): Q {
    shareDiscreteLogProbs(q, () => {
      this.logAlpha ??= tf.keep(this.logProbs(q.mu, q.sigma));
      return this.logAlpha;
    });
    return q;
  }

  /** Draws ε (kept for the step) and returns the one-hot H = h(μ + σ ε) (Proposition 1's hard map). */
  draw(mu: tf.Tensor, sigma: tf.Tensor, rng: RandomStream): tf.Tensor {
    this.disposeNoise();
    this.eps = tf.keep(rng.normal([...tf.backend_util.assertAndGetBroadcastShape(mu.shape, sigma.shape)]));
    const eps = this.eps;
    return tf.tidy(() => igrHard(tf.add(mu, tf.mul(sigma, eps))));
  }

  /**
   * The latent's value where generated code draws it: the step's H from the IGR_I distribution's μ and σ, with a
   * leading sample shape when the statement has one (`: [B]` on parameters without a batch axis).
   */
  sample(q: IgrGaussian, rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    const shape = [...sampleShape, ...tf.backend_util.assertAndGetBroadcastShape(q.mu.shape, q.sigma.shape)];
    const b = this.draw(tf.broadcastTo(q.mu, shape), tf.broadcastTo(q.sigma, shape), rng);
    // Kept for the step: the quadrature's tensors are the largest of the step ([..., K−1, nodes, K−1]).
    this.logAlpha ??= tf.keep(this.logProbs(q.mu, q.sigma));
    return b;
  }

  /**
   * log α_H(μ, σ) of a one-hot value per variable ([..., K] → [...]), differentiable in μ and σ: the step's
   * quadrature when `sample` made one, else a new one.
   */
  logProbOf(q: IgrGaussian, value: tf.Tensor): tf.Tensor {
    return tf.sum(tf.mul(value, this.logAlpha ?? this.logProbs(q.mu, q.sigma)), -1);
  }

  /** c_φ(y) per data point. */
  private control(y: tf.Tensor, input: RelaxIgrInput): tf.Tensor {
    const relaxed = input.signalAt(softmaxPlusPlus(y, input.tau, input.delta ?? 1));
    return tf.add(tf.mul(this.eta, relaxed), this.net.apply(tf.tanh(tf.mul(y, 0.5)), input.signal.rank === 0));
  }

  /** The surrogate scalar to ADD to the loss (see the file comment); also the variance gradient of φ. */
  surrogate(input: RelaxIgrInput): tf.Scalar {
    this.releaseKept();
    const eps = this.eps;
    if (!eps) throw new Error(`estimator '${this.name}': surrogate before the step's draw`);
    const mu = tf.broadcastTo(input.mu, eps.shape);
    const sigma = tf.broadcastTo(input.sigma, eps.shape);
    const points = input.signal.rank === 0 ? 1 : input.signal.shape[0];
    // ∂ log α_H / ∂(μ, σ): first order, independent of φ.
    const [scoreMu, scoreSigma] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(input.b, this.logProbs(m, s))) as tf.Scalar)([mu, sigma]);
    let cKept: tf.Tensor | undefined;
    let path: tf.Tensor[] = [];
    this.varianceGradient(() => {
      const [pathMu, pathSigma] = tf.grads((m: tf.Tensor, s: tf.Tensor) => {
        cKept = tf.keep(this.control(tf.add(m, tf.mul(s, eps)), input));
        return tf.sum(cKept) as tf.Scalar;
      })([mu, sigma]);
      path = [tf.keep(pathMu), tf.keep(pathSigma)];
      const c = expandPerPoint(cKept as tf.Tensor, mu.rank);
      const f = expandPerPoint(input.signal, mu.rank);
      // ∇ log N(y | μ, σ) at y = μ + σ ε: ε/σ for μ, (ε² − 1)/σ for σ.
      const nMu = tf.div(eps, sigma);
      const nSigma = tf.div(tf.sub(tf.square(eps), 1), sigma);
      const gMu = tf.add(tf.sub(tf.mul(f, scoreMu), tf.mul(c, nMu)), pathMu);
      const gSigma = tf.add(tf.sub(tf.mul(f, scoreSigma), tf.mul(c, nSigma)), pathSigma);
      return tf.div(tf.add(tf.sum(tf.square(gMu)), tf.sum(tf.square(gSigma))), points) as tf.Scalar;
    });
    tf.dispose([scoreMu, scoreSigma]);
    const c = cKept as tf.Tensor;
    this.keepUntilUpdate([c, ...path]);
    const logAlpha = sumToSignal(this.logProbOf(input, input.b), input.signal);
    const y = stopGradient(tf.add(mu, tf.mul(sigma, eps)));
    const logN = sumToSignal(normalLogDensity(y, mu, sigma), input.signal);
    // ∇ c_φ(y) through y = μ + σ ε ONLY: stop(∂c/∂y ∂y/∂μ) · μ + stop(∂c/∂y ∂y/∂σ) · σ. Adding c itself would also
    // differentiate c's direct dependence on the parameters (the decoder's weights in f, an analytic KL), which the
    // score term −c ∇ log N does not compensate: a bias of η ∇ E f(softmax++(y/τ)) in those parameters (measured:
    // the KL's gradient counted twice; test/codegen/relax-igr-model.test.ts).
    const [pathMu, pathSigma] = path;
    const reparam = sumToSignal(tf.add(tf.mul(stopGradient(pathMu), mu), tf.mul(stopGradient(pathSigma), sigma)), input.signal);
    const terms = tf.add(tf.sub(tf.mul(stopGradient(input.signal), logAlpha), tf.mul(stopGradient(c), logN)), reparam);
    return tf.mean(terms) as tf.Scalar;
  }
}
