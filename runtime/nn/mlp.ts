/**
 * `mlp`: a stack of dense layers (docs/language.md: `h = mlp(x, [512, 256], act = relu)`). `hidden` is applied
 * after every layer but the last, `output` after the last, so the generated code says what the last layer is:
 *
 *   const h = mlp(x, enc, 'relu', 'relu');                // encoder trunk: relu on every layer
 *   const logits = mlp(flatten(z), dec, 'relu', 'identity'); // decoder: linear output (Bernoulli logits)
 *
 * Each layer is one fused kernel (dense.ts); nothing else is added per layer.
 */
import type { tf } from '../../stdlib/tf.js';
import { dense, type Activation } from './dense.js';
import type { DenseWeights } from './init.js';

/** x through every layer of `layers`, `hidden` after each but the last, `output` after the last. */
export function mlp(
  x: tf.Tensor,
  layers: readonly DenseWeights[],
  hidden: Activation = 'relu',
  output: Activation = 'identity',
): tf.Tensor {
  let h = x;
  layers.forEach((layer, i) => {
    h = dense(h, layer.W, layer.b, i === layers.length - 1 ? output : hidden);
  });
  return h;
}
