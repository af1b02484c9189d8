/**
 * stopGradient and detached: tfjs has no stop-gradient op; a custom gradient of zero gives a value with no
 * gradient flowing back.
 *
 * The two differ in what the backward pass still does. stopGradient(x) receives an x that is already on the
 * tape: the ops that computed x still run their backward pass (with zero gradients). detached(fn, ...xs)
 * computes fn inside the custom op's forward, which tfjs does not record, so fn's ops have no backward pass at
 * all: use it for quantities computed only to be treated as constants (masks, shifts such as softmax++'s m).
 */
import { tf } from './tf.js';

const stop = tf.customGrad((...inputs) => {
  const t = inputs[0] as tf.Tensor;
  return { value: t.clone(), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
});

/** The value of `x`, with zero gradient (e.g. `sample` of a reparameterized distribution, baselines). */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stop(x) as tf.Tensor;
}

/**
 * fn(...xs) evaluated off the gradient tape, with zero gradient to xs. For masks and indices computed from
 * values that may carry gradients: tfjs registers no gradient for Equal, Greater, Less, LogicalAnd, All or Any,
 * so such an op anywhere between a parameter and a loss makes tf.grad throw. Ops inside a customGrad forward
 * are not recorded, which cuts the path.
 */
export function detached(fn: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): tf.Tensor {
  const op = tf.customGrad((...args) => {
    const inputs = args.slice(0, xs.length) as tf.Tensor[];
    // Zero gradients are built from shapes captured now: the inputs may be tidied away before the backward pass.
    const shapes = inputs.map((t) => t.shape);
    return { value: fn(...inputs), gradFunc: () => shapes.map((shape) => tf.zeros(shape)) };
  });
  return op(...xs) as tf.Tensor;
}
