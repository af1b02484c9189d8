/** matmul(x, y) of the language: contracts the last axis of x with the first axis of y. */
import { tf } from '../../stdlib/tf.js';

/** [..., n, k] x [k, m] -> [..., n, m]; a vector y [k] drops its axis. */
export function matmulLast(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const k = x.shape[x.rank - 1];
  const y2 = y.rank === 1 ? tf.reshape(y, [k, 1]) : y;
  const out = tf.matMul(tf.reshape(x, [-1, k]) as tf.Tensor2D, y2 as tf.Tensor2D);
  const lead = x.shape.slice(0, -1);
  return tf.reshape(out, y.rank === 1 ? lead : [...lead, y2.shape[1] as number]);
}
