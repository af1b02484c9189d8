/**
 * The one place sgm loads TensorFlow.js: `@tensorflow/tfjs-core`, plus the registrations of every kernel's
 * gradient and of the chained tensor methods, which tfjs-core does not make by itself ("gradient function not
 * found for Sum"). Backends are loaded by runtime/backend. All sgm code uses the `tf` namespace exported here.
 *
 * The registrations come through the package's own import map (package.json `imports`), chosen by condition:
 * in a browser bundle, tfjs-core's ES modules themselves; in Node, dist/vendor/tfjs-gradients.cjs, the CommonJS
 * bundle `npm run build` writes (Node cannot import tfjs-core's ES modules: its package is not `"type": "module"`;
 * scripts/build-tfjs-gradients.ts). Either way this file imports nothing from Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import '#tfjs-chained-ops';
// The chained methods' types (`x.reshape(...)`).
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

// PROD silences tfjs' console banner ("looks like you are running TensorFlow.js in Node.js") and its
// debug-mode checks; sgm does its own NaN/Inf checks where they matter (runtime NaN guard).
tf.env().set('PROD', true);

export { tf };
export type { Tensor, Scalar, Tensor1D, Tensor2D, Variable, Rank } from '@tensorflow/tfjs-core';
