/**
 * Per-data-point enumeration by tiling the batch (docs/math.md section 11, "Enumeration"): for enumerated
 * variables y_1..y_n with K_1..K_n values each, the batch is repeated T = K_1 · ... · K_n times along axis 0, copy t
 * (rows t·B .. t·B + B − 1) holding one joint configuration, and the model runs once on the [T·B, ...] rows. Sums
 * over the configurations reshape a per-row term to [T, B] and reduce axis 0. One pass, no loop over values, so
 * guide statements after an enumerated variable (q(z | x, y)) are evaluated for every value of it.
 */
import { tf } from '../../stdlib/tf.js';
import type { Batch } from '../model-api.js';

/** The batch with each named data tensor repeated `copies` times along axis 0; other entries are kept. */
export function tileBatch(batch: Batch, copies: number, names: readonly string[]): Batch {
  const out: Record<string, tf.Tensor> = { ...batch };
  for (const name of names) {
    const x = batch[name];
    if (x === undefined) continue; // requireData reports a missing tensor where the model reads it
    out[name] = tf.tile(x, [copies, ...x.shape.slice(1).map(() => 1)]);
  }
  return out;
}

/**
 * The values of one enumerated variable on the tiled rows: row t·B + b takes value ⌊t / stride⌋ mod size (the
 * first variable varies slowest). `rest` is the variable's shape after the batch axis (all ones, or [size] for a
 * one-hot value, `oneHot`); values are float32 as the discrete families' samples are.
 */
export function tiledSupport(copies: number, batchSize: number, stride: number, size: number, rest: readonly number[], oneHot: boolean): tf.Tensor {
  return tf.tidy(() => {
    const perCopy = Array.from({ length: copies }, (_, t) => Math.floor(t / stride) % size);
    const index = tf.reshape(tf.tile(tf.tensor2d(perCopy, [copies, 1], 'int32'), [1, batchSize]), [copies * batchSize]);
    if (oneHot) return tf.reshape(tf.cast(tf.oneHot(index, size), 'float32'), [copies * batchSize, ...rest]);
    return tf.reshape(tf.cast(index, 'float32'), [copies * batchSize, ...rest]);
  });
}

/**
 * Σ_t w_t · v_t per data point, from per-row log weights and values ([T·B] each) → [B]. The weights are
 * probabilities exp(log w) ≤ 1 (a product of q's, summed in log space first); a weight that underflows to 0
 * contributes 0 (its value is finite wherever the model's densities are).
 */
export function sumOverCopies(logWeights: tf.Tensor, values: tf.Tensor, copies: number): tf.Tensor {
  return tf.sum(tf.reshape(tf.mul(tf.exp(logWeights), values), [copies, -1]), 0);
}

/**
 * log Σ_t exp(a_t) per data point from per-row terms [T·B] → [B] (a marginal log-likelihood: a_t = log p(y_t) +
 * log p(x | y_t)). tf.logSumExp subtracts the maximum first, so terms of −1000 nats are exact in float32.
 */
export function logSumOverCopies(terms: tf.Tensor, copies: number): tf.Tensor {
  return tf.logSumExp(tf.reshape(terms, [copies, -1]), 0);
}
