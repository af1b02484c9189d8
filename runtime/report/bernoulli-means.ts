/**
 * The mean of a Bernoulli likelihood p(x | latents) (the "reconstruction" of a VAE), from the model's
 * `logLikelihood` hook alone. For a Bernoulli with logits ℓ, log p(x) = x·ℓ − softplus(ℓ) (and every other way
 * of writing it, x log p + (1 − x) log(1 − p), has the same derivative), so ∂ log p(x | z) / ∂x = ℓ exactly:
 * one backward pass at x = 0 gives every pixel's logit, and σ(ℓ) is the mean. This holds when x enters the
 * generative model only as the observed value (the report checks that on the graph before calling this).
 */
import { tf } from '../../stdlib/tf.js';
import type { Batch, ModelInstance, StepContext } from '../model-api.js';

/** σ(∂/∂x log p(x | latents)) at x = 0 for the data declaration `data`, row-major [B, ...]. */
export function bernoulliMeans(model: ModelInstance, data: string, batch: Batch, ctx: StepContext, latents: Record<string, tf.Tensor>): Float32Array {
  const logLikelihood = model.logLikelihood;
  if (!logLikelihood) throw new Error(`model '${model.metadata.name}' has no logLikelihood hook`);
  const x = batch[data];
  if (!x) throw new Error(`the batch has no '${data}'`);
  const means = tf.tidy(() => {
    const logits = tf.grad((v: tf.Tensor) => tf.sum(logLikelihood.call(model, { ...batch, [data]: v }, ctx, latents)))(tf.zerosLike(x));
    return tf.sigmoid(logits);
  });
  try {
    return Float32Array.from(means.dataSync());
  } finally {
    means.dispose();
  }
}
