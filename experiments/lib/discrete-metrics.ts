/**
 * Two metrics of the recovered DISCRETE model that the papers' tables use besides an importance-sampled
 * log-likelihood, computed from the same draws so that they are comparable with each other:
 *
 *  - the IGR authors' Table 1 metric (IGR paper v2, Potapczynski, Loaiza-Ganem and Cunningham, arXiv 1912.09588;
 *    their evaluation code, Models/OptVAE.py with `test_with_one_hot` and `run_iwae` set by
 *    Utils/estimate_loglike.py), per data point
 *        M(x) = log (1/S) Σ_s p(x | one-hot z_s)  -  KL(q̂(· | x) ‖ p₀),     one-hot z_s = argmax of a relaxed draw,
 *    with the KL analytic over the recovered discrete posterior q̂ (IGR-I: Proposition 2; IGR-SB, IGR-Planar: the
 *    frequencies of the argmax over 1,000 relaxed draws; GS: softmax of the logits) and p₀ the uniform
 *    categorical. It is NOT an importance-sampling bound: log E_q p(x|z) - KL(q ‖ p₀) equals log p(x) when q = p₀,
 *    exceeds it when q is the exact posterior (Jensen), and has no order with log p(x) in general;
 *  - the discrete ELBO, E_q̂[log p(x | z)] - KL(q̂ ‖ p) with z drawn from the discrete guide: the quantity a
 *    score-function (REINFORCE) VAE optimises, and the like-for-like ELBO for a relaxed one (IGR v2 Table 4 calls
 *    it the discretized ELBO).
 *
 * Both are scored under the recovered prior and, when every discretized latent lives on a simplex, under the
 * uniform prior p₀ of the papers. One-hot draws: Gumbel-max on the recovered probabilities, which for IGR-I (δ = 1:
 * the last category wins iff every y_k < 0, at any τ) and GS (Gumbel-max) is exactly the distribution of the
 * argmax of a relaxed draw, and for IGR-SB/Planar resamples the Monte Carlo frequencies that the authors' KL uses.
 * A latent with no discrete recovery (JointVAE's Normal) is drawn from its posterior; its KL term is the Monte
 * Carlo log q - log p at the draws (the authors use the closed-form Gaussian KL; the two have the same mean).
 */
import { discreteLatent, LOG_ZERO, type DiscreteLatent } from '../../runtime/eval/discrete-latent.js';
import { logAddExp } from '../../runtime/eval/importance-sampling.js';
import type { BoundData } from '../../runtime/data/bind.js';
import { deriveSeed } from '../../runtime/data/js-random.js';
import type { Batch, ModelInstance, StepContext } from '../../runtime/model-api.js';
import { logProbOfSample } from '../../stdlib/distributions/log-space.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

/** How to evaluate. */
export interface DiscreteMetricsOptions {
  readonly batchSize: number;
  /** Evaluate at most this many test batches. */
  readonly maxBatches?: number;
  readonly seed: number;
  /** Training step at which schedules (τ) are evaluated. */
  readonly step: number;
  /** One-hot draws per data point (the authors' evaluation script: 100; their paper text: m = 1000). */
  readonly samples: number;
  /** Relaxed draws for the Monte Carlo recovery of IGR-SB / IGR-Planar posteriors (the authors: 1000). */
  readonly recoverySamples: number;
  /** Likelihood rows per chunk (samples × batch). */
  readonly chunkRows?: number;
}

/** Mean over data points and its standard error. */
export interface MeanStderr {
  readonly mean: number;
  readonly stderr: number;
}

/** One prior variant ('recovered prior' or 'uniform prior'). */
export interface DiscreteMetricsVariant {
  readonly prior: string;
  /** The IGR authors' Table 1 metric (module comment). */
  readonly igrCode: MeanStderr;
  /** E_q̂ log p(x | z) - KL(q̂ ‖ p). */
  readonly discreteElbo: MeanStderr;
  /** The KL term per data point (analytic for discretized latents, Monte Carlo for sampled ones). */
  readonly kl: MeanStderr;
}

/** Everything this file measures. */
export interface DiscreteMetrics {
  readonly samples: number;
  readonly examples: number;
  /** log (1/S) Σ_s p(x | z_s): the first term of the authors' metric. */
  readonly logMeanLikelihood: MeanStderr;
  /** (1/S) Σ_s log p(x | z_s): the first term of the discrete ELBO. */
  readonly meanLogLikelihood: MeanStderr;
  readonly variants: readonly DiscreteMetricsVariant[];
}

/** Mean and standard error of the mean. */
function meanStderr(values: readonly number[]): MeanStderr {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, stderr: Math.sqrt(variance / n) };
}

/** Sums every axis after the first two: [s, B, ...] → [s, B]. */
function sumToSampleBatch(t: tf.Tensor): tf.Tensor {
  return t.rank <= 2 ? t : tf.sum(t, Array.from({ length: t.rank - 2 }, (_, i) => i + 2));
}

/** [s, B, ...rest] → [s·B, ...rest]. */
function flattenSamples(t: tf.Tensor): tf.Tensor {
  const [s, b, ...rest] = t.shape as number[];
  return tf.reshape(t, [s * b, ...rest]);
}

/** Per data point of one batch: analytic KLs of the discretized latents, in float64. */
interface BatchKl {
  readonly recovered: Float64Array;
  /** Undefined when some discretized latent is not on a simplex (no uniform prior p₀). */
  readonly uniform: Float64Array | undefined;
}

/**
 * KL(q̂ ‖ p̂) and KL(q̂ ‖ uniform) per data point, summed over latents and their entries, in float64 from the
 * float32 probabilities. A category with q̂ = 0 contributes 0 (the authors add 1e-20 inside the log, the same
 * limit); log p̂ is the recovered prior's (smoothed for Monte Carlo priors, so never -inf where q̂ > 0).
 */
function analyticKl(latents: readonly DiscreteLatent[], rows: number): BatchKl {
  const recovered = new Float64Array(rows);
  // p₀ applies when some latent is discretized and every discretized one lives on a simplex.
  let uniform: Float64Array | undefined = latents.some((l) => l.kind === 'categorical') ? new Float64Array(rows) : undefined;
  for (const l of latents) {
    if (l.kind !== 'categorical') continue;
    const q = l.posterior.probs;
    const k = q.shape[q.rank - 1];
    const qv = q.dataSync();
    const pv = tf.tidy(() => tf.broadcastTo(l.prior.logProbs, q.shape).dataSync());
    const perRow = qv.length / rows;
    for (let b = 0; b < rows; b++) {
      let rec = 0;
      let uni = 0;
      for (let i = b * perRow; i < (b + 1) * perRow; i++) {
        const p = qv[i];
        if (p <= 0) continue;
        rec += p * (Math.log(p) - pv[i]);
        uni += p * (Math.log(p) + Math.log(k));
      }
      recovered[b] += rec;
      if (uniform) uniform[b] += uni;
    }
    if (!l.simplex) uniform = undefined;
  }
  return { recovered, uniform };
}

/** Per data point of one batch, over S draws: log Σ_s p(x|z_s), Σ_s log p(x|z_s), Σ_s (log q - log p) of sampled latents. */
interface BatchSums {
  readonly logSumLik: Float64Array;
  readonly sumLogLik: Float64Array;
  readonly sumSampledRatio: Float64Array;
}

/** Draws S latent configurations per data point (module comment) in chunks and accumulates BatchSums in float64. */
function drawAndScore(model: ModelInstance, batch: Batch, ctx: StepContext, latents: readonly DiscreteLatent[], samples: number, chunk: number): BatchSums {
  const rows = Object.values(batch)[0].shape[0];
  const logSumLik = new Float64Array(rows).fill(Number.NEGATIVE_INFINITY);
  const sumLogLik = new Float64Array(rows);
  const sumSampledRatio = new Float64Array(rows);
  for (let done = 0; done < samples; ) {
    const s = Math.min(chunk, samples - done);
    const [ll, ratio] = tf.tidy(() => {
      const values = Object.create(null) as Record<string, tf.Tensor>; // keyed by user names: no prototype
      let sampledRatio: tf.Tensor = tf.zeros([s, rows]);
      for (const l of latents) {
        if (l.kind === 'categorical') {
          // The raw recovered probabilities (not the smoothed importance-sampling proposal), floored in log space.
          const logQ = tf.maximum(tf.log(l.posterior.probs), LOG_ZERO);
          const k = logQ.shape[logQ.rank - 1];
          // Gumbel-max: argmax(log q + g) is a draw from q.
          const index = tf.argMax(tf.add(logQ, ctx.rng.gumbel([s, ...logQ.shape])), -1);
          values[l.name] = flattenSamples(l.value(tf.cast(tf.oneHot(index, k), 'float32')));
        } else {
          const z = l.posterior.sample(ctx.rng, [s]);
          // A relaxed draw is scored from its log-space representation (exact at any τ).
          sampledRatio = tf.add(sampledRatio, sumToSampleBatch(tf.sub(logProbOfSample(l.posterior, z), logProbOfSample(l.prior, z))));
          values[l.name] = flattenSamples(z);
        }
      }
      const tiled = Object.create(null) as Record<string, tf.Tensor>;
      for (const [name, t] of Object.entries(batch)) tiled[name] = tf.tile(t, [s, ...new Array<number>(t.rank - 1).fill(1)]);
      const logLik = tf.reshape(model.logLikelihood!(tiled, ctx, values), [s, rows]);
      return [logLik.dataSync(), sampledRatio.dataSync()];
    });
    for (let i = 0; i < s; i++) {
      for (let b = 0; b < rows; b++) {
        const v = ll[i * rows + b];
        logSumLik[b] = logAddExp(logSumLik[b], v);
        sumLogLik[b] += v;
        sumSampledRatio[b] += ratio[i * rows + b];
      }
    }
    done += s;
  }
  return { logSumLik, sumLogLik, sumSampledRatio };
}

/** The two metrics of the module comment on `data`, deterministic given the seed. */
export function discreteMetrics(model: ModelInstance, data: BoundData, options: DiscreteMetricsOptions): DiscreteMetrics {
  const { metadata } = model;
  if (!model.posterior || !model.prior || !model.logLikelihood || metadata.latents.length === 0) {
    throw new Error(`model '${metadata.name}' has no latents with guide and generative blocks`);
  }
  if (!Number.isInteger(options.samples) || options.samples < 1) throw new RangeError(`samples must be a positive integer, got ${options.samples}`);
  const size = Math.min(options.batchSize, data.size);
  let batches = Math.floor(data.size / size);
  if (options.maxBatches !== undefined) batches = Math.min(batches, Math.max(1, options.maxBatches));
  const chunk = Math.max(1, Math.floor((options.chunkRows ?? 5000) / size));
  const ctx: StepContext = { step: options.step, rng: new RandomStream(deriveSeed(options.seed, 'discrete-metrics')) };
  const lme: number[] = [];
  const meanLl: number[] = [];
  const klRecovered: number[] = [];
  let klUniform: number[] | undefined = [];
  const logS = Math.log(options.samples);
  for (let b = 0; b < batches; b++) {
    const batch = data.batch(Int32Array.from({ length: size }, (_, i) => b * size + i));
    try {
      tf.tidy(() => {
        const posterior = model.posterior!(batch, ctx);
        const prior = model.prior!(batch, ctx);
        const latents = metadata.latents.map((name) =>
          // Priors are one row: 20× the draws cost little (as sgm eval does).
          discreteLatent(name, posterior[name], prior[name], { rng: ctx.rng, samples: options.recoverySamples, priorSamples: 20 * options.recoverySamples }),
        );
        const kl = analyticKl(latents, size);
        const sums = drawAndScore(model, batch, ctx, latents, options.samples, chunk);
        for (let r = 0; r < size; r++) {
          const sampledKl = sums.sumSampledRatio[r] / options.samples;
          lme.push(sums.logSumLik[r] - logS);
          meanLl.push(sums.sumLogLik[r] / options.samples);
          klRecovered.push(kl.recovered[r] + sampledKl);
          if (klUniform && kl.uniform) klUniform.push(kl.uniform[r] + sampledKl);
        }
        if (!kl.uniform) klUniform = undefined;
      });
    } finally {
      tf.dispose(Object.values(batch));
    }
  }
  const variant = (prior: string, kl: readonly number[]): DiscreteMetricsVariant => ({
    prior,
    igrCode: meanStderr(lme.map((x, i) => x - kl[i])),
    discreteElbo: meanStderr(meanLl.map((x, i) => x - kl[i])),
    kl: meanStderr(kl),
  });
  const variants = [variant('recovered prior', klRecovered)];
  if (klUniform) variants.push(variant('uniform prior', klUniform));
  return { samples: options.samples, examples: lme.length, logMeanLikelihood: meanStderr(lme), meanLogLikelihood: meanStderr(meanLl), variants };
}
