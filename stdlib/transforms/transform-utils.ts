/**
 * Small helpers shared by the transforms: temperatures given as a number or a scalar tensor, and a log that
 * stays finite for values that underflowed to 0.
 */
import { MIN_PROB } from '../distributions/discrete-params.js';
import { tf } from '../tf.js';

/** A temperature or other positive scalar: a plain number or a scalar tensor (e.g. a schedule's value). */
export type ScalarLike = number | tf.Tensor;

/** log of a positive scalar given as a number or a tensor. */
export function logScalar(s: ScalarLike): number | tf.Tensor {
  return typeof s === 'number' ? Math.log(s) : tf.log(s);
}

/** log(max(z, smallest normal float32)): a finite log for entries that underflowed to exactly 0. */
export function safeLog(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.log(tf.maximum(z, MIN_PROB)));
}

/** Size of the last axis. */
export function lastDim(t: tf.Tensor): number {
  return t.shape[t.shape.length - 1];
}
