/**
 * Evaluation of the objective on held-out data, without updating anything: the rows in their stored order,
 * in full batches (the last partial batch is dropped, as in training; a set smaller than one batch is one
 * batch), with a random stream seeded afresh from (seed, 'eval') each time, so the same weights always give
 * the same number. The result is the unweighted mean over batches of the objective's value and metrics.
 */
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { deriveSeed } from '../data/js-random.js';
import type { BoundData } from '../data/bind.js';
import type { ModelInstance } from '../model-api.js';

/** How to evaluate. */
export interface EvalOptions {
  readonly batchSize: number;
  readonly seed: number;
  /** Step at which schedules (e.g. τ) are evaluated: the current training step. */
  readonly step: number;
  /** Evaluate at most this many batches (default: all). */
  readonly maxBatches?: number;
}

/** Mean objective value and metrics over the evaluated batches. */
export interface EvalResult {
  readonly value: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly batches: number;
  readonly examples: number;
}

/** Evaluates `model.objective` on `data` (see the module comment). */
export function evaluateObjective(model: ModelInstance, data: BoundData, options: EvalOptions): EvalResult {
  const size = Math.min(options.batchSize, data.size);
  let batches = Math.floor(data.size / size);
  if (options.maxBatches !== undefined) batches = Math.min(batches, Math.max(1, options.maxBatches));
  const ctx = { step: options.step, rng: new RandomStream(deriveSeed(options.seed, 'eval')) };
  let names: string[] = [];
  let sums: number[] = [];
  for (let b = 0; b < batches; b++) {
    const indices = Int32Array.from({ length: size }, (_, i) => b * size + i);
    // Drawn columns (binarize=dynamic): one fixed draw of the held-out data per run, the same at every evaluation.
    const batch = data.batch(indices, { seed: deriveSeed(options.seed, 'eval'), index: b });
    try {
      const values = tf.tidy(() => {
        const r = model.objective(batch, ctx);
        names = Object.keys(r.metrics);
        return tf.stack([r.value, ...names.map((k) => r.metrics[k])].map((t) => tf.reshape(t, [])));
      });
      const v = Array.from(values.dataSync());
      values.dispose();
      sums = sums.length === 0 ? v : sums.map((s, i) => s + v[i]);
    } finally {
      tf.dispose(Object.values(batch));
    }
  }
  return {
    value: sums[0] / batches,
    metrics: Object.fromEntries(names.map((k, i) => [k, sums[i + 1] / batches])),
    batches,
    examples: batches * size,
  };
}
