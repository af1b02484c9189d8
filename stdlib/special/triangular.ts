/**
 * Lower-triangular linear algebra for float32 tensors (tfjs has no triangular solve): the solve by forward
 * substitution, the diagonal, and the mask of the lower triangle. Built from differentiable ops, so gradients flow
 * to the matrix and the right-hand side. Cost: D sequential steps of O(D·M) work over the batch, meant for the
 * event sizes of latent variables (tens, not thousands).
 */
import { tf } from '../tf.js';

/** The D×D lower-triangular mask (ones on and below the diagonal). */
export function lowerMask(d: number): tf.Tensor {
  return tf.tidy(() => tf.linalg.bandPart(tf.ones([d, d]), -1, 0));
}

/** L with everything above the diagonal set to 0 (the part of `scale_tril` that is used). */
export function lowerTriangle(l: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(l, lowerMask(l.shape[l.rank - 1])));
}

/** The diagonal of [..., D, D] as [..., D]. */
export function matrixDiagonal(l: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(l, tf.eye(l.shape[l.rank - 1])), -1));
}

/** Row i of [..., D, N] as [..., N]. */
function row(t: tf.Tensor, i: number): tf.Tensor {
  return tf.squeeze(tf.gather(t, [i], t.rank - 2), [t.rank - 2]);
}

/**
 * X with L X = B for lower-triangular L [..., D, D] and B [..., D, M] (batch axes broadcast): forward substitution,
 * x_i = (b_i - Σ_{j<i} L_ij x_j) / L_ii. Only the lower triangle of L is read.
 */
export function solveLowerTriangular(l: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = l.shape[l.rank - 1];
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < d; i++) {
      const li = row(l, i); // [..., D]
      let rhs = row(b, i); // [..., M]
      if (i > 0) {
        const coef = tf.slice(li, Array(li.rank).fill(0), [...li.shape.slice(0, -1), i]); // [..., i]
        const prev = tf.stack(rows, -2); // [..., i, M]
        rhs = tf.sub(rhs, tf.sum(tf.mul(tf.expandDims(coef, -1), prev), -2));
      }
      const diag = tf.slice(li, [...Array(li.rank - 1).fill(0), i], [...li.shape.slice(0, -1), 1]); // [..., 1]
      rows.push(tf.div(rhs, diag));
    }
    return tf.stack(rows, -2);
  });
}
