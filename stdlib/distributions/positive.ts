/**
 * Helpers of the positive-parameter, positive-support families (Gamma, Exponential, HalfNormal, Beta, Dirichlet,
 * StudentT): constant parameters checked > 0, and log densities that are -Infinity off the support without NaN
 * in value or gradient.
 */
import { tf } from '../tf.js';
import { asTensor, asValue, detached, type TensorInput } from './discrete-params.js';

/** Throws when a constant parameter is not > 0 (tensors are checked by the compiler's SGM4004 instead). */
export function requirePositive(family: string, name: string, value: TensorInput | undefined): tf.Tensor {
  if (value === undefined) throw new TypeError(`${family} needs '${name}'`);
  const flat = typeof value === 'number' ? [value] : Array.isArray(value) ? value.flat(3) : [];
  if (flat.some((v) => !(v > 0))) throw new RangeError(`${family}: ${name} must be > 0`);
  return asTensor(value);
}

/**
 * The log density of x under a positive-support family, -Infinity at x ≤ 0: `inside` is evaluated at log x
 * with x replaced by 1 outside the support, so neither the value nor its gradient becomes NaN there.
 */
export function positiveSupport(value: tf.Tensor, inside: (x: tf.Tensor, logX: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = asValue(value);
    // The mask is computed off the tape: comparisons have no gradient in tfjs, and x may be a draw on the tape.
    const positive = detached((v) => tf.greater(v, 0), x);
    const safe = tf.where(positive, x, tf.onesLike(x));
    const lp = inside(safe, tf.log(safe));
    return tf.where(tf.broadcastTo(positive, lp.shape), lp, tf.fill(lp.shape, -Infinity));
  });
}

/**
 * The log density of x under a family on x ≥ 0, -Infinity at x < 0: `inside` must be finite (and its gradient
 * too) at every x, since it is evaluated on x as given (Exponential, HalfNormal).
 */
export function nonNegativeSupport(value: tf.Tensor, inside: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = asValue(value);
    const nonNegative = detached((v) => tf.greaterEqual(v, 0), x);
    const lp = inside(x);
    return tf.where(tf.broadcastTo(nonNegative, lp.shape), lp, tf.fill(lp.shape, -Infinity));
  });
}
