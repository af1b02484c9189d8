/**
 * MixtureSameFamily(mixture, components), as torch.distributions and TFP name it: p(x) = Σ_k w_k p_k(x), with w a
 * Categorical over K and the K components one distribution whose LAST BATCH AXIS is K (Normal(means [K], s): K scalar
 * components; MultivariateNormalDiag(means [K, D], s): K components over R^D).
 *
 * Shapes: batchShape = broadcast(mixture batch, components batch without K); eventShape = the components' event.
 *
 * logProb is log Σ_k exp(log w_k + log p_k(x)) by a max-shifted log-sum-exp over K, so a point far from every
 * component (each log p_k ≈ -1e4, whose exp is 0 in float32) still gets a finite log density and gradient.
 *
 * sample draws the component index k ~ w, then x ~ p_k (all K components are drawn and k's is kept by a one-hot
 * product, which works for any broadcast between the two batch shapes). There is no rsample: the choice of k is
 * discrete, so a draw is not a differentiable function of the weights (a latent mixture gets score-function
 * gradients; as the likelihood of observed data, logProb is the exact marginal and trains by ordinary gradients).
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import type { Categorical } from './categorical.js';
import { Distribution } from './distribution.js';
import { broadcastShapes, signatureOf, stopGradient } from './discrete-params.js';

/** Named parameters of MixtureSameFamily (table names, torch's long names accepted). */
export interface MixtureSameFamilyParams {
  readonly mixture?: Categorical;
  readonly components?: Distribution;
  readonly mixture_distribution?: Categorical;
  readonly component_distribution?: Distribution;
}

/** A component family with a closed-form variance (Normal, MultivariateNormalDiag). */
interface WithVariance {
  variance(): tf.Tensor;
}

/** Inserts `n` axes of size 1 at position `at` of t's shape. */
function padAxes(t: tf.Tensor, at: number, n: number): tf.Tensor {
  if (n <= 0) return t;
  return tf.reshape(t, [...t.shape.slice(0, at), ...Array<number>(n).fill(1), ...t.shape.slice(at)]);
}

/**
 * log Σ exp(a) over the last axis, shifted by the (constant) maximum so that no exp overflows or all underflow. A
 * row that is -inf everywhere (a point outside every component's support, e.g. Uniform components) gives -inf,
 * where tf.logSumExp gives NaN from -inf - (-inf): the shift is then 0.
 */
function logSumExpLast(a: tf.Tensor): tf.Tensor {
  const m = stopGradient(tf.max(a, -1, true));
  const shift = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
  return tf.add(tf.log(tf.sum(tf.exp(tf.sub(a, shift)), -1)), tf.squeeze(shift, [shift.rank - 1]));
}

export class MixtureSameFamily extends Distribution {
  readonly signature = signatureOf('MixtureSameFamily');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly mixture: Categorical;
  readonly components: Distribution;
  /** K, the number of components. */
  readonly numComponents: number;

  constructor(params: MixtureSameFamilyParams) {
    super();
    const mixture = params.mixture ?? params.mixture_distribution;
    const components = params.components ?? params.component_distribution;
    if (!mixture || !components) throw new TypeError("MixtureSameFamily needs 'mixture' and 'components'");
    this.mixture = mixture;
    this.components = components;
    const cb = components.batchShape;
    if (cb.length === 0) throw new RangeError('MixtureSameFamily: the components need a batch axis of K components');
    this.numComponents = cb[cb.length - 1];
    const k = mixture.logits.shape[mixture.logits.rank - 1];
    if (k !== this.numComponents && this.numComponents !== 1) {
      throw new RangeError(`MixtureSameFamily: the mixture has ${k} categories but the components' last batch axis is ${this.numComponents}`);
    }
    this.batchShape = broadcastShapes(mixture.batchShape, cb.slice(0, -1));
    this.eventShape = components.eventShape;
  }

  /** log Σ_k w_k p_k(value): [...sampleShape, ...batchShape]. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const e = this.eventShape.length;
      // A K axis of size 1 before the event axes, so each component scores the same point.
      const x = tf.expandDims(value, value.rank - e);
      const lc = this.components.logProb(x); // [..., K]
      // mixture.logits are normalised log weights; the sum is in log space.
      return logSumExpLast(tf.add(lc, this.mixture.logits));
    });
  }

  /** k ~ w, then x ~ p_k: [...sampleShape, ...batchShape, ...eventShape], no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const s = sampleShape.length;
      const rank = this.batchShape.length;
      const e = this.eventShape.length;
      const K = this.numComponents;
      // Index draws [...sampleShape, ...mixture batch] aligned to the full batch, one-hot over K, event axes of 1.
      const k = padAxes(this.mixture.sample(rng, sampleShape), s, rank - this.mixture.batchShape.length);
      const oneHot = padAxes(tf.oneHot(tf.cast(k, 'int32'), this.mixture.logits.shape[this.mixture.logits.rank - 1]), k.rank + 1, e);
      // Every component drawn: [...sampleShape, ...components batch (ending in K), ...event], aligned likewise.
      const cb = this.components.batchShape.length - 1;
      const all = padAxes(this.components.sample(rng, sampleShape), s, rank - cb);
      const picked = K === 1 ? tf.squeeze(all, [all.rank - e - 1]) : tf.sum(tf.mul(tf.cast(oneHot, 'float32'), all), all.rank - e - 1);
      return tf.broadcastTo(picked, [...sampleShape, ...this.batchShape, ...this.eventShape]);
    });
  }

  /**
   * A pathwise draw from the given components: x ~ p_k with k fixed ([...sampleShape, ...batchShape] indices, float
   * or int), differentiable in the components' parameters. With the choice of k summed out by its caller (the
   * plan's enumeration of the component: Σ_k w_k E_{p_k}[f(x)], docs/math.md section 11), the mixture's expectation
   * is exact in k and reparameterized in x. Every component is drawn and k's kept by a one-hot product, as in sample.
   */
  rsampleComponent(k: tf.Tensor, rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const s = sampleShape.length;
      const rank = this.batchShape.length;
      const e = this.eventShape.length;
      const K = this.numComponents;
      const index = padAxes(tf.cast(k, 'int32'), k.rank, 0);
      const oneHot = padAxes(tf.cast(tf.oneHot(index, this.mixture.logits.shape[this.mixture.logits.rank - 1]), 'float32'), index.rank + 1, e);
      const cb = this.components.batchShape.length - 1;
      const all = padAxes(this.components.rsample(rng, sampleShape), s, rank - cb);
      const picked = K === 1 ? tf.squeeze(all, [all.rank - e - 1]) : tf.sum(tf.mul(oneHot, all), all.rank - e - 1);
      return tf.broadcastTo(picked, [...sampleShape, ...this.batchShape, ...this.eventShape]);
    });
  }

  /** The component means [..., K, ...event] and the weights [..., K, 1...] shaped to multiply them. */
  private weighted(values: tf.Tensor): tf.Tensor {
    const e = this.eventShape.length;
    const w = padAxes(this.mixture.probs, this.mixture.probs.rank, e);
    return tf.sum(tf.mul(w, values), values.rank - e - 1);
  }

  /** Σ_k w_k μ_k. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.weighted(this.components.mean()), [...this.batchShape, ...this.eventShape]));
  }

  /** Law of total variance: Σ_k w_k (σ_k² + μ_k²) − (Σ_k w_k μ_k)², elementwise over the event axes. */
  variance(): tf.Tensor {
    const c = this.components as Distribution & Partial<WithVariance>;
    if (typeof c.variance !== 'function') throw new TypeError(`MixtureSameFamily: ${c.name} has no closed-form variance`);
    const componentVariance = c.variance.bind(c);
    return tf.tidy(() => {
      const mu = this.components.mean();
      const second = this.weighted(tf.add(componentVariance(), tf.square(mu)));
      const m = this.weighted(mu);
      // Clamped at 0: the difference of two nearly equal float32 numbers can come out slightly negative.
      return tf.broadcastTo(tf.relu(tf.sub(second, tf.square(m))), [...this.batchShape, ...this.eventShape]);
    });
  }
}
