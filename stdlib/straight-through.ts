/**
 * Straight-through estimation (Bengio et al. 2013; Jang et al. 2017 section 2.2): the forward value is the
 * hard (discrete) sample, the gradient is the relaxed sample's.
 */
import { tf } from './tf.js';

/** `hard` in the forward pass; in the backward pass the gradient goes to `soft` unchanged (none to `hard`). */
export function straightThrough(hard: tf.Tensor, soft: tf.Tensor): tf.Tensor {
  // customGrad rather than soft + stopGradient(hard - soft): the forward value is exactly `hard` (no
  // float32 round-off from adding and subtracting soft), and the graph holds one node instead of three.
  const st = tf.customGrad((...inputs) => {
    const h = inputs[1] as tf.Tensor;
    return { value: h.clone(), gradFunc: (dy: tf.Tensor) => [dy, tf.zerosLike(h)] };
  });
  return st(soft, hard) as tf.Tensor;
}

/** One-hot vector of the argmax along the last axis (float32, same shape as `z`). */
export function oneHotArgmax(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.oneHot(tf.argMax(z, -1), z.shape[z.shape.length - 1]).asType('float32'));
}
