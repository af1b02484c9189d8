/** Reductions generated code uses for objective terms. */
import { tf } from '../../stdlib/tf.js';

/** Sums every axis but the first: per-data-point totals [B] of a term shaped [B, ...]. */
export function sumToBatch(t: tf.Tensor): tf.Tensor {
  return t.rank <= 1 ? t : tf.sum(t, Array.from({ length: t.rank - 1 }, (_, i) => i + 1));
}
