/**
 * Beta(concentration1, concentration0): density x^{a-1} (1-x)^{b-1} / B(a, b) on (0, 1), elementwise
 * (torch.distributions names: concentration1 = a, the exponent of x; concentration0 = b, that of 1 - x).
 * Reparameterized from two Gammas: x = G_a/(G_a + G_b) = sigmoid(log G_a - log G_b), in log space so that small
 * concentrations (whose Gammas underflow) still give draws; gradients to a and b are the implicit Gamma
 * gradients (Figurnov, Mohamed, Mnih 2018, arXiv:1805.08498, section 3: Beta and Dirichlet via Gammas).
 */
import type { RandomStream } from '../random.js';
import { digamma, lgamma } from '../special/gamma.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asValue, broadcastShapes, detached, MIN_PROB, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';
import { logStandardGamma } from './gamma-sampler.js';
import { requirePositive } from './positive.js';

/** Largest float32 below 1: draws are clamped to [MIN_PROB, ONE_BELOW] so log x and log(1 - x) are finite. */
const ONE_BELOW = 1 - 2 ** -24;

/** Named parameters of Beta. */
export interface BetaParams {
  /** a > 0. */
  readonly concentration1: TensorInput;
  /** b > 0. */
  readonly concentration0: TensorInput;
}

/** log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b). */
export function logBetaFunction(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(tf.add(a, b))));
}

/** The Beta distribution; batch shape = broadcast of a and b, event shape []. */
export class Beta extends Distribution {
  readonly signature = signatureOf('Beta');
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly concentration1: tf.Tensor;
  readonly concentration0: tf.Tensor;

  constructor({ concentration1, concentration0 }: BetaParams) {
    super();
    this.concentration1 = requirePositive('Beta', 'concentration1', concentration1);
    this.concentration0 = requirePositive('Beta', 'concentration0', concentration0);
    this.batchShape = broadcastShapes(this.concentration1.shape, this.concentration0.shape);
  }

  /** sigmoid(log G_a - log G_b), clamped to [1.2e-38, 1 - 2^-24]. */
  override rsample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const la = logStandardGamma(rng, this.concentration1, sampleShape, this.batchShape);
      const lb = logStandardGamma(rng, this.concentration0, sampleShape, this.batchShape);
      return tf.clipByValue(tf.sigmoid(tf.sub(la, lb)), MIN_PROB, ONE_BELOW);
    });
  }

  /** A draw with no gradient. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }

  /** (a - 1) log x + (b - 1) log(1 - x) - log B(a, b) on (0, 1), -Infinity outside. */
  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = asValue(value);
      const inside = detached((v) => tf.logicalAnd(tf.greater(v, 0), tf.less(v, 1)), x);
      // Evaluate at ½ outside the support so neither value nor gradient becomes NaN there.
      const safe = tf.where(inside, x, tf.fill(x.shape, 0.5));
      const a = this.concentration1;
      const b = this.concentration0;
      const lp = tf.sub(tf.add(tf.mul(tf.sub(a, 1), tf.log(safe)), tf.mul(tf.sub(b, 1), tf.log1p(tf.neg(safe)))), logBetaFunction(a, b));
      return tf.where(tf.broadcastTo(inside, lp.shape), lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** a/(a + b). */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)), [...this.batchShape]));
  }

  /** log B(a, b) - (a - 1) ψ(a) - (b - 1) ψ(b) + (a + b - 2) ψ(a + b). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const s = tf.add(a, b);
      const h = tf.add(
        tf.sub(tf.sub(logBetaFunction(a, b), tf.mul(tf.sub(a, 1), digamma(a))), tf.mul(tf.sub(b, 1), digamma(b))),
        tf.mul(tf.sub(s, 2), digamma(s)),
      );
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }
}
