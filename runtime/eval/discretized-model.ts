/**
 * The recovered discrete model of a compiled model on one batch, as an importance sampler (docs/math.md section 8):
 * the proposal is the product over latents of the recovered posteriors (discrete-latent.ts), the prior the
 * product of the recovered priors, and the likelihood the model's own `logLikelihood` hook with the latents
 * fixed at the sampled vertices (one-hot vectors, or GenGS cell values).
 *
 * Two prior variants are scored from the same samples: the model's prior recovered to a categorical (for a
 * fit_prior IGR this is Proposition 2 of the moment-matched prior, close to but not exactly its target), and,
 * when every discretized latent lives on a simplex, the uniform categorical over the K vertices, which is the
 * discrete prior p₀ of the papers' VAEs (IGR paper v2 section 4.2; docs/math.md section 8).
 */
import type { Batch, ModelInstance, StepContext } from '../model-api.js';
import { logProbOfSample } from '../../stdlib/distributions/log-space.js';
import { tf } from '../../stdlib/tf.js';
import { UserError } from '../errors.js';
import type { DiscreteLatent } from './discrete-latent.js';
import type { ImportanceDraw, ImportanceSampler } from './importance-sampling.js';

/** Names of the prior variants, in the order of ImportanceDraw.logPrior. */
export const PRIOR_VARIANTS = { recovered: 'recovered prior', uniform: 'uniform prior' } as const;

/** Sums every axis after the first two: [s, B, ...] → [s, B]. */
function sumToSampleBatch(t: tf.Tensor): tf.Tensor {
  return t.rank <= 2 ? t : tf.sum(t, Array.from({ length: t.rank - 2 }, (_, i) => i + 2));
}

/** [s, B, ...rest] → [s·B, ...rest]. */
function flattenSamples(t: tf.Tensor): tf.Tensor {
  const [s, b, ...rest] = t.shape as number[];
  return tf.reshape(t, [s * b, ...rest]);
}

/** Whether the uniform-prior variant applies: some latent is discretized and every discretized one is on a simplex. */
export function hasUniformVariant(latents: readonly DiscreteLatent[]): boolean {
  const categorical = latents.filter((l) => l.kind === 'categorical');
  return categorical.length > 0 && categorical.every((l) => l.kind === 'categorical' && l.simplex);
}

/** The importance sampler of the discretized model on `batch` (B rows), given its latents' views. */
export function discretizedSampler(model: ModelInstance, batch: Batch, ctx: StepContext, latents: readonly DiscreteLatent[]): ImportanceSampler {
  const logLikelihood = model.logLikelihood;
  if (!logLikelihood) throw new UserError(`model '${model.metadata.name}' has no logLikelihood hook: recompile it with this version of sgm`);
  const data = Object.values(batch);
  if (data.length === 0) throw new UserError('the discretized log-likelihood needs data: the model declares none');
  const rows = data[0].shape[0];
  const uniform = hasUniformVariant(latents);
  for (const l of latents) {
    const leading = l.kind === 'categorical' ? l.posterior.logProbs.shape[0] : l.posterior.batchShape[0];
    if (leading !== rows) {
      throw new UserError(`latent '${l.name}': its posterior's first axis (${leading}) is not the batch (${rows}); only per-data-point latents can be evaluated`);
    }
  }
  return {
    rows,
    draw(s: number): ImportanceDraw {
      const values = Object.create(null) as Record<string, tf.Tensor>; // keyed by user names: no prototype, so `__proto__` and `constructor` are plain keys
      let logProposal: tf.Tensor = tf.zeros([s, rows]);
      // Prior terms of the discretized latents and of the sampled ones, kept apart for the uniform variant.
      let logPriorDiscrete: tf.Tensor = tf.zeros([s, rows]);
      let logPriorSampled: tf.Tensor = tf.zeros([s, rows]);
      let logUniform = 0;
      for (const l of latents) {
        if (l.kind === 'categorical') {
          const logQ = l.posterior.logProbs;
          const k = logQ.shape[logQ.rank - 1];
          // Gumbel-max: argmax(log q + g) is a draw from q (Gumbel 1954; Maddison et al. 2014).
          const index = tf.argMax(tf.add(logQ, ctx.rng.gumbel([s, ...logQ.shape])), -1);
          const oneHot = tf.cast(tf.oneHot(index, k), 'float32');
          logProposal = tf.add(logProposal, sumToSampleBatch(tf.mul(oneHot, logQ)));
          logPriorDiscrete = tf.add(logPriorDiscrete, sumToSampleBatch(tf.mul(oneHot, l.prior.logProbs)));
          // Every one of the (entries per data point) categorical variables contributes -log K.
          logUniform -= (logQ.size / rows / k) * Math.log(k);
          values[l.name] = flattenSamples(l.value(oneHot));
        } else {
          const z = l.posterior.sample(ctx.rng, [s]);
          // A relaxed draw is scored from its log-space representation (exact at any τ; stdlib log-space.ts).
          logProposal = tf.add(logProposal, sumToSampleBatch(logProbOfSample(l.posterior, z)));
          logPriorSampled = tf.add(logPriorSampled, sumToSampleBatch(logProbOfSample(l.prior, z)));
          values[l.name] = flattenSamples(z);
        }
      }
      const recovered = tf.add(logPriorDiscrete, logPriorSampled);
      return { latents: values, logProposal, logPrior: uniform ? [recovered, tf.add(logPriorSampled, logUniform)] : [recovered] };
    },
    logLikelihood(values: Record<string, tf.Tensor>, s: number): tf.Tensor {
      const tiled = Object.create(null) as Record<string, tf.Tensor>; // keyed by user names: no prototype, so `__proto__` and `constructor` are plain keys
      for (const [name, t] of Object.entries(batch)) tiled[name] = tf.tile(t, [s, ...new Array<number>(t.rank - 1).fill(1)]);
      return logLikelihood(tiled, ctx, values);
    },
  };
}
