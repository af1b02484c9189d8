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

/**
 * Zeros of `t`'s shape in float32: tfjs' backward pass requires every gradient to be float32, also that of a bool
 * (LogicalAnd/Or/Not) or int32 input, so zerosLike (which keeps the dtype) would fail there ("The gradient of input
 * x must have 'float32' dtype, but has 'bool'", found by the model generator on a REBAR model).
 */
const zeroGradient = (t: tf.Tensor): tf.Tensor => tf.zeros(t.shape, 'float32');

function zeroBinary(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ a: () => zeroGradient(saved[0]), b: () => zeroGradient(saved[1]) }),
  };
}

const logicalNot: tf.GradConfig = {
  kernelName: 'LogicalNot',
  inputsToSave: ['x'],
  gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ x: () => zeroGradient(saved[0]) }),
};

/** Registers the zero gradients where tfjs has none (idempotent; a gradient tfjs or sgm registered is kept). */
export function registerComparisonGradients(): void {
  for (const config of [...BINARY.map(zeroBinary), logicalNot]) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
}
