/**
 * A registered gradient for the `_FusedMatMul` kernel (act(op(A)·op(B) + bias)), so code can run the fused
 * kernel directly under `tf.grads` / `optimizer.minimize` (runtime/nn/dense.ts does).
 *
 * Why: tfjs' own `tf.fused.matMul` refuses to fuse an activation while a gradient is being recorded (it falls
 * back to matMul + add + activation), and for the linear case it wraps the kernel in `customGrad`, whose gradient
 * function computes the gradient of EVERY input eagerly, including a dx of the data that nothing uses (for the
 * first encoder layer that is a wasted [100×512]·[512×784] GEMM). A registered gradient returns one thunk per
 * input, and tfjs only calls the thunks of inputs on the path to the variables.
 *
 * The formulas are the stock BatchMatMul gradient's four transpose cases applied to dy·act'(y), plus the bias
 * gradient (dy·act' summed over every axis but the last). Activations with an output-only derivative are
 * supported: linear, relu (step(y)), sigmoid (y(1 - y)); `supportsFusedGradient` tells the caller.
 *
 * With the native addon, and while no tape records the backward pass, all of a layer's gradients come from one
 * SgmDenseGrad kernel instead (dense-grad.ts); the tfjs ops below stay the path for higher-order gradients.
 */
import { tf } from '../../stdlib/tf.js';
import { F, fuse, type FExpr } from '../../stdlib/fusion/index.js';
import { denseGradThunks } from './dense-grad.js';

/** Activations whose derivative this gradient can compute from the kernel's output. */
const FUSED_GRADIENT_ACTIVATIONS = new Set(['linear', 'relu', 'sigmoid']);

/** True when `_FusedMatMul` with this activation can be differentiated through the registered gradient. */
export function supportsFusedGradient(activation: string): boolean {
  return FUSED_GRADIENT_ACTIVATIONS.has(activation);
}

// dy·act'(y) as fused programs (one SgmFused kernel instead of two or three; differentiable to any order).
const reluGrad = (dy: FExpr, y: FExpr): FExpr => F.mul(dy, F.step(y));
const sigmoidGrad = (dy: FExpr, y: FExpr): FExpr => F.mul(dy, F.mul(y, F.sub(1, y)));

/** dy·act'(y) from the saved output y. */
function activationGrad(dy: tf.Tensor, y: tf.Tensor, activation: string): tf.Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return fuse([dy, y], reluGrad);
    case 'sigmoid':
      return fuse([dy, y], sigmoidGrad);
    default:
      throw new Error(`no fused gradient for activation ${activation}`);
  }
}

/** The _FusedMatMul gradient configuration (registered by `registerFusedMatMulGradient`). */
export const fusedMatMulGradConfig: tf.GradConfig = {
  kernelName: '_FusedMatMul',
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [a, b, y] = saved;
    const { transposeA, transposeB, activation } = attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
    };
    const native = denseGradThunks(dy as tf.Tensor, a, b, y, transposeA, transposeB, activation ?? 'linear');
    if (native !== null) return native;
    // dy·act'(y) is shared by the thunks, so it is computed here, in the backward pass's scope (a thunk runs in
    // its own tidy, which would dispose it before the next thunk). The GEMMs stay lazy: tfjs calls only the
    // thunks of inputs that lead to a variable.
    const dyAct = activationGrad(dy as tf.Tensor, y, activation ?? 'linear');
    const g = (): tf.Tensor => dyAct;
    const grads: Record<string, () => tf.Tensor> = {};
    if (!transposeA && !transposeB) {
      grads.a = () => tf.matMul(g(), b, false, true);
      grads.b = () => tf.matMul(a, g(), true, false);
    } else if (!transposeA && transposeB) {
      grads.a = () => tf.matMul(g(), b, false, false);
      grads.b = () => tf.matMul(g(), a, true, false);
    } else if (transposeA && !transposeB) {
      grads.a = () => tf.matMul(b, g(), false, true);
      grads.b = () => tf.matMul(a, g(), false, false);
    } else {
      grads.a = () => tf.matMul(b, g(), true, true);
      grads.b = () => tf.matMul(g(), a, true, true);
    }
    // The bias (one value per output column) collects dy·act' summed over every other axis. Its shape is not
    // saved; the bias gradient is reshaped to [n] (dense biases are rank 1) and tfjs checks it against the input.
    grads.bias = () => {
      const d = g();
      return tf.sum(tf.reshape(d, [-1, d.shape[d.rank - 1]]), 0);
    };
    return grads;
  },
};

let registered = false;

/** Registers the _FusedMatMul gradient once (gradients are global to tfjs, not per backend). */
export function registerFusedMatMulGradient(): void {
  if (registered) return;
  tf.registerGradient(fusedMatMulGradConfig);
  registered = true;
}
