/**
 * Everything `sgm eval` measures on held-out data, in one pass over the test batches (the same full batches, in
 * stored order, as the test ELBO):
 *  - the test objective and ELBO (test-elbo.ts);
 *  - the log-likelihood of the recovered DISCRETE model by importance sampling with S samples per data point
 *    (docs/math.md section 8; discretized-model.ts, importance-sampling.ts), under the recovered prior and, for
 *    simplex latents, the papers' uniform prior;
 *  - the distance of relaxed posterior samples to the nearest simplex vertex (vertex-distance.ts);
 *  - the recovered discrete distributions averaged over the test set (recovered-distributions.ts);
 *  - the number of categories IGR-SB latents use at precision ρ (categories-used.ts).
 * Deterministic: every random draw comes from one stream seeded by (seed, 'eval-discrete').
 */
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import type { BoundData } from '../data/bind.js';
import { UserError } from '../errors.js';
import { deriveSeed } from '../data/js-random.js';
import type { ModelInstance, StepContext } from '../model-api.js';
import type { IgrSbTruncationRule } from '../../stdlib/distributions/igr-sb.js';
import { CategoriesUsedAccumulator, DEFAULT_RHO, type CategoriesUsedStats } from './categories-used.js';
import { discreteLatent, relaxedSimplexSample, type DiscreteLatent } from './discrete-latent.js';
import { PRIOR_VARIANTS, discretizedSampler, hasUniformVariant } from './discretized-model.js';
import { EvalProgress, type EvalProgressSink } from './eval-progress.js';
import { importanceSample } from './importance-sampling.js';
import { RecoveredAccumulator, type RecoveredDistribution } from './recovered-distributions.js';
import { testElbo } from './test-elbo.js';
import { VertexDistanceAccumulator, type VertexDistanceStats } from './vertex-distance.js';

/** Defaults of the evaluation (CLI flags in brackets). */
export const EVAL_DEFAULTS = {
  /** Importance samples per data point [--samples]: the papers' m = 1000 (IGR v2 section 4.2). */
  samples: 1000,
  /** Monte Carlo draws for recovering IGR-SB / IGR-Planar posteriors (docs/math.md section 5: ≥ 1000). */
  recoverySamples: 1000,
  batchSize: 100,
  /** Likelihood rows per importance-sampling chunk (samples × batch): ~16 MB per 784-wide float32 tensor. */
  chunkRows: 5000,
} as const;

/** How to evaluate. */
export interface ModelEvalOptions {
  readonly batchSize: number;
  /** Evaluate at most this many test batches (default: all full batches). */
  readonly maxBatches?: number;
  readonly seed: number;
  /** Training step at which schedules (τ) are evaluated: the checkpoint's. */
  readonly step: number;
  /** Importance samples per data point; 0 skips the log-likelihood. */
  readonly samples: number;
  readonly recoverySamples?: number;
  /** Precision ρ for the IGR-SB category count (default: the posterior's own ρ, else DEFAULT_RHO). */
  readonly rho?: number;
  /** What the IGR-SB category count sums: 'softmax' (z, the paper's eq. (19); default) or 'sticks' (w, the authors' code). */
  readonly truncationRule?: IgrSbTruncationRule;
  readonly chunkRows?: number;
  /** Where to show progress (stderr), if anywhere. */
  readonly progress?: EvalProgressSink;
}

/** The discretized log-likelihood under one prior variant: mean over data points and its standard error. */
export interface LogLikelihoodEstimate {
  readonly prior: string;
  readonly mean: number;
  readonly stderr: number;
}

/** How one latent entered the discretized model. */
export interface LatentDescription {
  readonly name: string;
  readonly family: string;
  readonly kind: DiscreteLatent['kind'];
  readonly method?: string;
  readonly priorMethod?: string;
}

/** Everything `sgm eval` reports. */
export interface ModelEvalReport {
  readonly model: string;
  readonly step: number;
  readonly examples: number;
  readonly batches: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly objective: { readonly sense: string; readonly text: string; readonly value: number; readonly metrics: Readonly<Record<string, number>> };
  /** Test ELBO per data point (undefined when the objective's metrics do not determine it). */
  readonly elbo: number | undefined;
  readonly logLikelihood?: {
    readonly samples: number;
    readonly estimates: readonly LogLikelihoodEstimate[];
    /** Kish effective sample size of the importance weights (recovered prior): mean and min over data points. */
    readonly effectiveSampleSize: { readonly mean: number; readonly min: number };
    readonly latents: readonly LatentDescription[];
  };
  readonly vertexDistance: Readonly<Record<string, VertexDistanceStats>>;
  readonly recovered: Readonly<Record<string, RecoveredDistribution>>;
  readonly categoriesUsed: Readonly<Record<string, CategoriesUsedStats>>;
  readonly notes: readonly string[];
  readonly seconds: number;
}

/** Mean and standard error of the mean. */
function meanAndStderr(values: readonly number[]): { mean: number; stderr: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, stderr: Math.sqrt(variance / n) };
}

/** Evaluates `model` on `data` (see the module comment). */
export function evaluateModel(model: ModelInstance, data: BoundData, options: ModelEvalOptions): ModelEvalReport {
  const start = performance.now();
  const size = Math.min(options.batchSize, data.size);
  let batches = Math.floor(data.size / size);
  if (options.maxBatches !== undefined) batches = Math.min(batches, Math.max(1, options.maxBatches));
  const elbo = testElbo(model, data, { batchSize: size, seed: options.seed, step: options.step, ...(options.maxBatches !== undefined ? { maxBatches: options.maxBatches } : {}) });
  const notes: string[] = [];
  const metadata = model.metadata;
  const report = {
    model: metadata.name,
    step: options.step,
    examples: batches * size,
    batches,
    batchSize: size,
    seed: options.seed,
    objective: { sense: metadata.objective.sense, text: metadata.objective.text, value: elbo.value, metrics: elbo.metrics },
    elbo: elbo.elbo,
  };
  if (!model.posterior || !model.prior || !model.logLikelihood || metadata.latents.length === 0) {
    notes.push('the model has no latents with guide and generative blocks: only the objective is evaluated');
    return { ...report, vertexDistance: {}, recovered: {}, categoriesUsed: {}, notes, seconds: (performance.now() - start) / 1000 };
  }

  const rng = new RandomStream(deriveSeed(options.seed, 'eval-discrete'));
  const ctx: StepContext = { step: options.step, rng };
  const recoverySamples = options.recoverySamples ?? EVAL_DEFAULTS.recoverySamples;
  const chunk = Math.max(1, Math.floor((options.chunkRows ?? EVAL_DEFAULTS.chunkRows) / size));
  const vertex = new Map<string, VertexDistanceAccumulator>();
  const recovered = new Map<string, RecoveredAccumulator>();
  const used = new Map<string, CategoriesUsedAccumulator>();
  const perPoint: number[][] = [];
  const ess: number[] = [];
  let variants: string[] = [];
  let described: LatentDescription[] = [];
  const progress = new EvalProgress(options.progress, batches * Math.max(1, options.samples));

  for (let b = 0; b < batches; b++) {
    // Drawn columns (binarize=dynamic): the same draw of each batch as the test ELBO's (evaluate.ts).
    const batch = data.batch(Int32Array.from({ length: size }, (_, i) => b * size + i), { seed: deriveSeed(options.seed, 'eval'), index: b });
    try {
      tf.tidy(() => {
        const posterior = model.posterior!(batch, ctx);
        const prior = model.prior!(batch, ctx);
        const latents = metadata.latents.map((name) => {
          if (!posterior[name] || !prior[name]) throw new UserError(`model '${metadata.name}' gives no posterior or prior for latent '${name}'`);
          // Priors are one row: 20× the draws cost little and make their Monte Carlo recovery 4.5× tighter.
          return discreteLatent(name, posterior[name], prior[name], { rng, samples: recoverySamples, priorSamples: 20 * recoverySamples });
        });
        for (const l of latents) {
          const z = relaxedSimplexSample(posterior[l.name], rng);
          if (z) getOr(vertex, l.name, () => new VertexDistanceAccumulator()).add(z);
          if (l.kind === 'categorical') getOr(recovered, l.name, () => new RecoveredAccumulator(l.family)).add(l);
          const q = posterior[l.name];
          if (q.name === 'IGR_SB') {
            const rho = options.rho ?? (q as { rho?: number }).rho ?? DEFAULT_RHO;
            getOr(used, l.name, () => new CategoriesUsedAccumulator(rho, q.eventShape[0], options.truncationRule ?? 'softmax')).add(q, rng);
          }
        }
        if (b === 0) {
          described = latents.map((l) =>
            l.kind === 'categorical'
              ? { name: l.name, family: l.family, kind: l.kind, method: l.posterior.method, priorMethod: l.prior.method }
              : { name: l.name, family: l.family, kind: l.kind },
          );
          variants = hasUniformVariant(latents) ? [PRIOR_VARIANTS.recovered, PRIOR_VARIANTS.uniform] : [PRIOR_VARIANTS.recovered];
        }
        if (options.samples > 0) {
          const sampler = discretizedSampler(model, batch, ctx, latents);
          const r = importanceSample(sampler, options.samples, chunk, (done) =>
            progress.update(b * options.samples + done, `batch ${b + 1}/${batches}, importance samples ${done}/${options.samples}`),
          );
          r.logLikelihood.forEach((values, v) => (perPoint[v] ??= []).push(...values));
          ess.push(...r.effectiveSampleSize[0]);
        } else {
          progress.update(b + 1, `batch ${b + 1}/${batches}`);
        }
      });
    } finally {
      tf.dispose(Object.values(batch));
    }
  }
  progress.finish();

  const logLikelihood =
    options.samples > 0
      ? {
          samples: options.samples,
          estimates: variants.map((prior, v) => ({ prior, ...meanAndStderr(perPoint[v]) })),
          effectiveSampleSize: { mean: ess.reduce((a, x) => a + x, 0) / ess.length, min: ess.reduce((a, x) => Math.min(a, x), Number.POSITIVE_INFINITY) },
          latents: described,
        }
      : undefined;
  if (logLikelihood === undefined) notes.push('importance sampling skipped (samples = 0)');
  return {
    ...report,
    ...(logLikelihood ? { logLikelihood } : {}),
    vertexDistance: collect(vertex, (a) => a.stats()),
    recovered: collect(recovered, (a) => a.result()),
    categoriesUsed: collect(used, (a) => a.stats()),
    notes,
    seconds: (performance.now() - start) / 1000,
  };
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

function collect<A, R>(map: Map<string, A>, read: (a: A) => R | undefined): Record<string, R> {
  const out = Object.create(null) as Record<string, R>; // keyed by user names: no prototype, so `__proto__` and `constructor` are plain keys
  for (const [k, a] of map) {
    const r = read(a);
    if (r !== undefined) out[k] = r;
  }
  return out;
}
