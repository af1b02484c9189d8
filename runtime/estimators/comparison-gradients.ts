/**
 * Zero gradients for tfjs' comparison and logical kernels (Less, LessEqual, Greater, Equal, NotEqual, LogicalAnd,
 * LogicalOr, LogicalNot), which tfjs registers no gradient for (it has GreaterEqual's only).
 *
 * First-order gradients never meet them: sgm computes masks with `detached` (stdlib/stop-gradient.ts). But the
 * variance gradient of REBAR/RELAX differentiates a BACKWARD pass (nested tf.grads, rebar.ts), and tfjs' own
 * backward functions use comparisons: Maximum's (`less(a, b)`), Minimum's (`lessEqual`), Max's and Min's
 * (`equal(x, max)`, reached through logSumExp), ClipByValue's and Relu6's. A comparison is piecewise constant in
 * its inputs, so its derivative is zero wherever it is defined (everywhere but a measure-zero set of ties): zero
 * is the exact gradient, as tfjs already uses for GreaterEqual.
 */
import { tf } from '../../stdlib/tf.js';

const BINARY = ['Less', 'LessEqual', 'Greater', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr'] as const;

function zeroBinary(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ a: () => tf.zerosLike(saved[0]), b: () => tf.zerosLike(saved[1]) }),
  };
}

const logicalNot: tf.GradConfig = {
  kernelName: 'LogicalNot',
  inputsToSave: ['x'],
  gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ x: () => tf.zerosLike(saved[0]) }),
};

/** Registers the zero gradients where tfjs has none (idempotent; a gradient tfjs or sgm registered is kept). */
export function registerComparisonGradients(): void {
  for (const config of [...BINARY.map(zeroBinary), logicalNot]) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
}
