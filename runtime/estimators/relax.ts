/**
 * RELAX (Grathwohl, Choi, Wu, Roeder, Duvenaud 2018, "Backpropagation through the Void: Optimizing control
 * variates for black-box gradient estimation", arXiv:1711.00123), Algorithm 2 (discrete variables):
 *
 *   ĝ = [f(b) − c_φ(z̃)] ∇ log p(b | θ) + ∇ c_φ(z) − ∇ c_φ(z̃),   b = H(z), z̃ ~ p(z | b)            (RELAX eq. 8)
 *
 * with a learned control variate. As in the paper's discrete experiments (section 6.2), c_φ is REBAR's control
 * variate plus a neural network:  c_φ(z) = η · f(σ_λ(z)) + r_ρ(z),  φ = (η, λ, ρ), trained by the gradient of
 * the estimator's variance d/dφ E[ĝ²] (RELAX eq. 5), computed as for REBAR (rebar.ts: nested tf.grads).
 *
 * r_ρ reads tanh(z/2) = 2σ(z) − 1 rather than z: the same information (an invertible map), bounded, so the
 * logistic noise's tails (|z| up to ~46 at openUniform's ends) cannot saturate the hidden units. Its output
 * layer starts at zero, so RELAX starts as REBAR and the network only moves where it lowers the variance.
 */
import { tf } from '../../stdlib/tf.js';
import { RandomStream } from '../../stdlib/random.js';
import { RebarEstimator, REBAR_DEFAULTS, type RebarOptions, type RelaxationTermInput } from './rebar.js';
import type { RelaxationFamily } from './relaxation-noise.js';

/** Options of `with relax(...)`: REBAR's and the network's hidden width. */
export interface RelaxOptions extends RebarOptions {
  /** Hidden units of r_ρ (one hidden layer, ReLU). */
  readonly hidden: number;
}

export const RELAX_DEFAULTS: RelaxOptions = { ...REBAR_DEFAULTS, hidden: 50 };

/**
 * r_ρ: one ReLU hidden layer from the latent's values of one data point (flattened) to a number. Plain
 * matMul/add/relu (not the fused dense layer): their gradients are themselves differentiable, which the variance
 * gradient needs (second order).
 */
export class ControlNetwork {
  readonly W1: tf.Variable;
  readonly b1: tf.Variable;
  readonly W2: tf.Variable;
  readonly b2: tf.Variable;

  constructor(inputSize: number, hidden: number, seed: number | RandomStream) {
    const init = typeof seed === 'number' ? new RandomStream(seed) : seed;
    // Scale 1/√in for the ReLU layer; the output layer starts at zero (the control variate starts without r).
    this.W1 = tf.variable(tf.tidy(() => tf.mul(init.normal([inputSize, hidden]), 1 / Math.sqrt(inputSize))), false);
    this.b1 = tf.variable(tf.zeros([hidden]), false);
    this.W2 = tf.variable(tf.zeros([hidden, 1]), false);
    this.b2 = tf.variable(tf.zeros([1]), false);
  }

  variables(prefix: string): Array<[string, tf.Variable]> {
    return [
      [`${prefix}/r/W1`, this.W1],
      [`${prefix}/r/b1`, this.b1],
      [`${prefix}/r/W2`, this.W2],
      [`${prefix}/r/b2`, this.b2],
    ];
  }

  parameters(): tf.Variable[] {
    return [this.W1, this.b1, this.W2, this.b2];
  }

  /**
   * r(x) per data point ([B]) for x [B, ...], or one value ([]) when `scalar` (a batch-total signal). With a
   * batch-total signal the latent may still have a batch axis (e.g. a [B] latent whose downstream reshape loses
   * the per-point structure): x then holds B rows of the network's input size, and r is the sum of r over the
   * rows (any function of z is a valid control variate; this one keeps the input size of the compiler's count).
   */
  apply(x: tf.Tensor, scalar: boolean): tf.Tensor {
    const rows = scalar ? Math.max(1, Math.round(x.size / this.W1.shape[0])) : x.shape[0];
    const flat = tf.reshape(x, [rows, -1]);
    const hidden = tf.relu(tf.add(tf.matMul(flat, this.W1), this.b1));
    const out = tf.reshape(tf.add(tf.matMul(hidden, this.W2), this.b2), [rows]);
    return scalar ? tf.sum(out) : out;
  }

  dispose(): void {
    tf.dispose(this.parameters());
  }
}

/** RELAX's estimator of one latent: REBAR's control variate plus the network r_ρ. */
export class RelaxEstimator extends RebarEstimator {
  private readonly net: ControlNetwork;

  /**
   * `inputSize` is the number of values of the latent per data point (e.g. 200 Bernoulli units, or 20 × 10 for
   * 20 categorical variables of 10 classes); `seed` (or a stream) draws the first layer's weights.
   */
  constructor(
    name: string,
    family: RelaxationFamily,
    readonly inputSize: number,
    seed: number | RandomStream,
    readonly relaxOptions: RelaxOptions = RELAX_DEFAULTS,
  ) {
    super(name, family, relaxOptions);
    this.net = new ControlNetwork(inputSize, relaxOptions.hidden, seed);
  }

  protected override ownVariables(): Array<[string, tf.Variable]> {
    return [...super.ownVariables(), ...this.net.variables(this.name)];
  }

  protected override controlParameters(): tf.Variable[] {
    return [...super.controlParameters(), ...this.net.parameters()];
  }

  protected override control(z: tf.Tensor, input: RelaxationTermInput, temperature: tf.Tensor, eta: tf.Tensor): tf.Tensor {
    // r reads tanh(z/2) = 2σ(z) − 1 (see the file comment).
    return tf.add(super.control(z, input, temperature, eta), this.net.apply(tf.tanh(tf.mul(z, 0.5)), input.signal.rank === 0));
  }
}
