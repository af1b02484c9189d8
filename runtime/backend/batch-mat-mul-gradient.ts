/**
 * sgm's BatchMatMul gradient, registered in place of tfjs' (gradients are global, for every backend).
 *
 * Same four transpose cases as tfjs-core's BatchMatMul_grad.ts, plus the reduction tfjs omits: when the batch
 * dimensions broadcast (a [2, 3, 4] times b [4, 5] or [1, 4, 5]), the stock gradient returns a gradient of the
 * broadcast shape and tfjs rejects it ("The gradient of input 'b' has shape '2,4,5', which does not match the
 * shape of the input '4,5'"). Here such a gradient is summed over the broadcast axes and reshaped to the input.
 * Without broadcasting the formulas, and so the values, are the stock ones (test/backend/mat-mul-kernels.test.ts).
 *
 * Transposes are NOT made explicit here: the matMuls below go through the backend's BatchMatMul kernel, which
 * sgm has already replaced on WASM by one that transposes explicitly (explicit-transpose-mat-mul.ts). That covers
 * forward passes and _FusedMatMul too, which a gradient-only fix would not.
 */
import { tf } from '../../stdlib/tf.js';

/** `g` summed over the axes along which `shape` was broadcast to g's shape, then reshaped to `shape`. */
export function reduceToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, [...shape]);
}

/** The stock BatchMatMul gradient configuration, kept so it can be restored (tests compare against it). */
const stockGradient = tf.getGradient('BatchMatMul');

/** The BatchMatMul gradient with broadcast batch dimensions reduced. */
export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const d = dy as tf.Tensor;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    let ga: () => tf.Tensor;
    let gb: () => tf.Tensor;
    if (!transposeA && !transposeB) {
      ga = () => tf.matMul(d, b, false, true);
      gb = () => tf.matMul(a, d, true, false);
    } else if (!transposeA && transposeB) {
      ga = () => tf.matMul(d, b, false, false);
      gb = () => tf.matMul(d, a, true, false);
    } else if (transposeA && !transposeB) {
      ga = () => tf.matMul(b, d, false, true);
      gb = () => tf.matMul(a, d, false, false);
    } else {
      ga = () => tf.matMul(b, d, true, true);
      gb = () => tf.matMul(d, a, true, true);
    }
    return { a: () => reduceToShape(ga(), a.shape), b: () => reduceToShape(gb(), b.shape) };
  },
};

/** Registers sgm's BatchMatMul gradient (idempotent). */
export function registerBatchMatMulGradient(): void {
  if (tf.getGradient('BatchMatMul') !== batchMatMulGradConfig) tf.registerGradient(batchMatMulGradConfig);
}

/** Puts tfjs' own BatchMatMul gradient back (for tests that compare against it). */
export function restoreStockBatchMatMulGradient(): void {
  if (stockGradient !== undefined) tf.registerGradient(stockGradient);
}
