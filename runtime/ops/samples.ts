/**
 * The sample axis of a vectorised multi-sample objective (`maximize iwae(samples = k)`, compiler/codegen/
 * emit-iwae.ts): the batch is tiled k times along its leading axis, sample-major (row i·B + b is sample i of data
 * point b; `tileBatch` of runtime/estimators/tiled-enumeration.ts), the model runs once on the k·B rows, and per-row
 * results are split back into a leading sample axis here.
 */
import { tf } from '../../stdlib/tf.js';

/** A per-row tensor of the tiled batch with its sample axis split off: [k·B, ...] -> [k, B, ...]. */
export function splitSamples(t: tf.Tensor, k: number): tf.Tensor {
  const rows = t.shape[0];
  if (rows === undefined || rows % k !== 0) throw new Error(`internal: ${rows} rows are not ${k} samples of a batch`);
  return tf.reshape(t, [k, rows / k, ...t.shape.slice(1)]);
}
