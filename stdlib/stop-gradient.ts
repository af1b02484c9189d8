/** stopGradient: tfjs has no such op; a custom gradient of zero gives the value with no gradient flowing back. */
import { tf } from './tf.js';

const stop = tf.customGrad((...inputs) => {
  const t = inputs[0] as tf.Tensor;
  return { value: t.clone(), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
});

/** The value of `x`, with zero gradient (e.g. `sample` of a reparameterized distribution, baselines). */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stop(x) as tf.Tensor;
}
