/**
 * Parameter handling shared by the Gaussian-based distributions (Normal, LogNormal, the IGR
 * family): μ and σ as float32 tensors with σ > 0 checked when given as numbers, the broadcast shape, and the
 * base class of the elementwise pair Normal / LogNormal.
 */
import { F, fuse, type FExpr } from '../fusion/index.js';
import type { RandomStream } from '../random.js';
import type { DistributionSig } from '../signatures/index.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { asTensor, broadcastShapes, signatureOf, stopGradient, type TensorInput } from './discrete-params.js';

/** μ, σ and their broadcast shape. */
export interface LocationScale {
  readonly mu: tf.Tensor;
  readonly sigma: tf.Tensor;
  readonly shape: number[];
}

/** Coerces μ and σ (numbers, arrays or tensors) and checks σ > 0 when it is a constant. */
export function locationScale(family: string, mu: TensorInput, sigma: TensorInput): LocationScale {
  if (mu === undefined || sigma === undefined) throw new TypeError(`${family} needs 'mu' and 'sigma'`);
  const flat = typeof sigma === 'number' ? [sigma] : Array.isArray(sigma) ? sigma.flat(3) : [];
  if (flat.some((s) => !(s > 0))) throw new RangeError(`${family}: sigma must be > 0`);
  const m = asTensor(mu);
  const s = asTensor(sigma);
  return { mu: m, sigma: s, shape: broadcastShapes(m.shape, s.shape) };
}

/** Named parameters of Normal and LogNormal. */
export interface NormalParams {
  readonly mu: TensorInput;
  readonly sigma: TensorInput;
}

/** μ + σ ε as one fused program (stdlib/fusion; the same two ops, one kernel, one fused backward). */
export function locationScaleTerm(mu: FExpr, sigma: FExpr, eps: FExpr): FExpr {
  return F.add(mu, F.mul(sigma, eps));
}

/** An elementwise distribution driven by y = μ + σ ε (Normal: y itself; LogNormal: exp(y)). */
export abstract class GaussianDriven extends Distribution {
  readonly signature: DistributionSig;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Mean of the underlying Gaussian. */
  readonly mu: tf.Tensor;
  /** Standard deviation of the underlying Gaussian (> 0). */
  readonly sigma: tf.Tensor;

  protected constructor(family: string, { mu, sigma }: NormalParams) {
    super();
    this.signature = signatureOf(family);
    const p = locationScale(family, mu, sigma);
    this.mu = p.mu;
    this.sigma = p.sigma;
    this.batchShape = p.shape;
  }

  /** y = μ + σ ε of shape [...sampleShape, ...batchShape], with gradients to μ and σ. */
  protected gaussianDraw(rng: RandomStream, sampleShape: readonly number[]): tf.Tensor {
    return fuse([this.mu, this.sigma, rng.normal([...sampleShape, ...this.batchShape])], locationScaleTerm);
  }

  /** A draw with no gradient: [...sampleShape, ...batchShape]. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
  }
}
