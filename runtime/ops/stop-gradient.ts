/** stop_gradient(x): the value of x with no gradient flowing back (tfjs has no such op). */
import { tf } from '../../stdlib/tf.js';

const stop = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** The value of `x`; its gradient is zero. */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stop(x) as tf.Tensor;
}
