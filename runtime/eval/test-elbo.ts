/**
 * Test ELBO: the objective on held-out data (runtime/train/evaluate.ts, reused as is), and the ELBO read from
 * its metrics. With `maximize elbo` the objective is the ELBO; with another objective built from loglik and kl
 * terms (e.g. JointVAE's capacity-controlled objective, IGR paper eq. (15)), the ELBO is Σ loglik - Σ kl of the
 * reported terms (each KL as the model computes it: closed form or its Monte Carlo estimate).
 */
import type { BoundData } from '../data/bind.js';
import type { ModelInstance } from '../model-api.js';
import { evaluateObjective, type EvalResult } from '../train/evaluate.js';

/** The objective on test data and the ELBO, when the metrics determine it. */
export interface TestElbo extends EvalResult {
  /** The ELBO per data point, averaged over the test set; undefined when the model reports no loglik/kl terms. */
  readonly elbo: number | undefined;
}

/** The ELBO from evaluation metrics: `elbo` when reported, else Σ loglik_* - Σ kl_* (undefined without loglik). */
export function elboFromMetrics(metrics: Readonly<Record<string, number>>): number | undefined {
  if (metrics.elbo !== undefined) return metrics.elbo;
  const names = Object.keys(metrics);
  if (!names.some((n) => n.startsWith('loglik_'))) return undefined;
  return names.reduce((acc, n) => (n.startsWith('loglik_') ? acc + metrics[n] : n.startsWith('kl_') ? acc - metrics[n] : acc), 0);
}

/** Evaluates the objective on `data` and derives the test ELBO. */
export function testElbo(model: ModelInstance, data: BoundData, options: { batchSize: number; seed: number; step: number; maxBatches?: number }): TestElbo {
  const r = evaluateObjective(model, data, options);
  return { ...r, elbo: elboFromMetrics(r.metrics) };
}
