/**
 * The sample axis of a vectorised multi-sample objective (`maximize iwae(samples = k)`, compiler/codegen/
 * emit-iwae.ts): the batch is tiled k times along its leading axis, sample-major (row i·B + b is sample i of data
 * point b), the model runs once on the k·B rows, and per-row results are split back into a leading sample axis.
 */
import type { Batch } from '../model-api.js';
import { tf } from '../../stdlib/tf.js';

/** Every tensor of the batch repeated k times along axis 0, sample-major: [B, ...] -> [k·B, ...]. */
export function tileSamples(batch: Batch, k: number): Batch {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(batch)) out[name] = tf.tile(t, [k, ...t.shape.slice(1).map(() => 1)]);
  return out;
}

/** A per-row tensor of the tiled batch with its sample axis split off: [k·B, ...] -> [k, B, ...]. */
export function splitSamples(t: tf.Tensor, k: number): tf.Tensor {
  const rows = t.shape[0];
  if (rows === undefined || rows % k !== 0) throw new Error(`internal: ${rows} rows are not ${k} samples of a batch`);
  return tf.reshape(t, [k, rows / k, ...t.shape.slice(1)]);
}
