/**
 * `dense`: one fully connected layer, act(x·W + b), the layer generated code calls (docs/language.md:
 * `mu = dense(h, [N, K - 1])`). Weights are tf.Variables made by `initDense` (init.ts); the layer only reads them,
 * so it works with any optimizer.
 *
 *   const mu = dense(h, enc.mu.W, enc.mu.b, 'identity');    // h: [B, 256] -> [B, 180]
 *
 * Performance: on the CPU and WASM backends (where sgm installs the matching kernels, runtime/backend) the layer
 * is ONE `_FusedMatMul` kernel (GEMM + bias + relu/sigmoid in one pass) whose registered gradient computes only
 * the gradients that lead to a variable (runtime/backend/fused-mat-mul-gradient.ts; with the native addon the
 * whole backward pass is one SgmDenseGrad kernel, runtime/backend/dense-grad.ts). Other activations are applied
 * after the fused linear layer. On TensorFlow's backends (tfjs-node) the layer is plain matMul + add + act.
 * x may have any rank ≥ 2; the last axis is contracted and the leading axes are kept.
 */
import { tf } from '../../stdlib/tf.js';
import { registerFusedMatMulGradient, supportsFusedGradient } from '../backend/fused-mat-mul-gradient.js';

/** Activations the layers accept. 'identity' is the linear layer. */
export type Activation = 'identity' | 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'elu' | 'leaky_relu';

registerFusedMatMulGradient();

/** Backends whose `_FusedMatMul` sgm has checked with the registered gradient (rank-2 operands, rank-1 bias). */
const FUSED_BACKENDS = new Set(['cpu', 'wasm']);

/** act(x) for the activations that are not fused into the GEMM. */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'identity':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softplus':
      return tf.softplus(x);
    case 'elu':
      return tf.elu(x);
    case 'leaky_relu':
      // Slope 0.2 for x < 0, as the language's leaky_relu function (stdlib/signatures/functions.ts).
      return tf.leakyRelu(x, 0.2);
  }
}

/** act(x·W + b) over the last axis of x: [..., in] -> [..., out]. `b` may be null (no bias). */
export function dense(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor | null, activation: Activation = 'identity'): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, x.shape[x.rank - 1]]);
  let y: tf.Tensor;
  if (FUSED_BACKENDS.has(tf.getBackend())) {
    const fusedAct = activation === 'identity' ? 'linear' : activation;
    const fuse = supportsFusedGradient(fusedAct);
    const inputs: Record<string, tf.Tensor> = { a: x2, b: W };
    if (b !== null) inputs.bias = b;
    y = tf.engine().runKernel('_FusedMatMul', inputs, {
      transposeA: false,
      transposeB: false,
      activation: fuse ? fusedAct : 'linear',
    }) as tf.Tensor;
    if (!fuse) y = activate(y, activation);
  } else {
    const lin = tf.matMul(x2 as tf.Tensor2D, W as tf.Tensor2D);
    y = activate(b === null ? lin : tf.add(lin, b), activation);
  }
  return x.rank === 2 ? y : tf.reshape(y, [...lead, -1]);
}
