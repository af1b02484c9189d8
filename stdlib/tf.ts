/**
 * The one place sgm loads TensorFlow.js: `@tensorflow/tfjs-core`, plus the registrations of every kernel's
 * gradient and of the chained tensor methods, which tfjs-core does not make by itself ("gradient function not
 * found for Sum"); see tf-gradients.ts. Backends are loaded by runtime/backend. All sgm code uses the `tf`
 * namespace exported here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradients } from './tf-gradients.js';
// The chained methods' types (`x.reshape(...)`); their registration is part of registerTfjsGradients.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

registerTfjsGradients();

// PROD silences tfjs' console banner ("looks like you are running TensorFlow.js in Node.js") and its
// debug-mode checks; sgm does its own NaN/Inf checks where they matter (runtime NaN guard).
tf.env().set('PROD', true);

export { tf };
export type { Tensor, Scalar, Tensor1D, Tensor2D, Variable, Rank } from '@tensorflow/tfjs-core';
