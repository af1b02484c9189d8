/**
 * The one place sgm loads TensorFlow.js. `@tensorflow/tfjs-core` alone registers no gradients
 * ("gradient function not found for Sum", docs/architecture.md section 7) and its ESM build cannot be imported by
 * Node directly, so the union package is loaded once for its side effects: it registers every kernel's
 * gradient and the CPU backend. All sgm code uses the `tf` namespace exported here.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';

// PROD silences tfjs' console banner ("looks like you are running TensorFlow.js in Node.js") and its
// debug-mode checks; sgm does its own NaN/Inf checks where they matter (runtime NaN guard).
tf.env().set('PROD', true);

export { tf };
export type { Tensor, Scalar, Tensor1D, Tensor2D, Variable, Rank } from '@tensorflow/tfjs-core';
