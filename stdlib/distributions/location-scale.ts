/**
 * Parameter handling shared by the Gaussian-based distributions of section S1 (Normal, LogNormal, the IGR
 * family): μ and σ as float32 tensors with σ > 0 checked when given as numbers, and the broadcast shape.
 */
import { tf } from '../tf.js';
import { asTensor, broadcastShapes, type TensorInput } from './discrete-params.js';

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
