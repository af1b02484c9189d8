/**
 * Models small enough to enumerate exactly (N = 2 latents × K = 3 categories: 9 configurations) for the
 * evaluation tests, and the exact log p(x) of their discretized versions by enumeration.
 */
import type { Batch, ModelInstance } from '../../runtime/model-api.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

/** A tiny discrete VAE with the given latent statement and prior, decoder dense(flatten(z)) onto 4 pixels. */
function tinyVae(name: string, guide: string, prior: string, decoderInput: string): string {
  return `
model ${name}(K = 3, N = 2, tau = 0.5) {
  data x: [B, 4]
  guide {
    h = dense(x, [8], act = tanh)
    ${guide}
  }
  generative {
    ${prior}
    x ~ Bernoulli(logits = dense(${decoderInput}, [4]))
  }
  maximize elbo
}`;
}

/** IGR-I latents (Proposition 2 recovery). */
export const TINY_IGR = tinyVae(
  'tiny_igr',
  'z ~ IGR_I(dense(h, [N, K - 1]), softplus(dense(h, [N, K - 1])), tau)',
  'z ~ fit_prior(IGR_I, Categorical(uniform(K)), tau)',
  'flatten(z)',
);
/** Gumbel-Softmax latents (softmax(logits) recovery). */
export const TINY_GS = tinyVae('tiny_gs', 'z ~ GumbelSoftmax(dense(h, [N, K]), tau)', 'z ~ GumbelSoftmax(probs = uniform(K), tau = tau)', 'flatten(z)');
/** GenGS count latents over the cells 0, 1, 2 (values, not one-hot vectors, enter the decoder). */
export const TINY_GENGS = tinyVae(
  'tiny_gengs',
  'z ~ GenGS(logits = dense(h, [N, K]), trunc = K, tau = tau)',
  'z ~ GenGS(Poisson(1), trunc = K, tau = tau) : [N]',
  'z',
);

/** Four binary pixels for `rows` data points, fixed. */
export function tinyBatch(rows: number): Batch {
  const values = Array.from({ length: rows * 4 }, (_, i) => ((i * 7 + Math.floor(i / 3)) % 3 === 0 ? 1 : 0));
  return { x: tf.tensor2d(values, [rows, 4]) };
}

/** The 9 configurations (k1, k2) of two latents with 3 categories. */
export const CONFIGS: ReadonlyArray<readonly [number, number]> = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => [a, b] as const));

/**
 * log p(x | z) for every configuration: [9][B]. `value` maps a configuration to the latent value the decoder
 * takes for B rows (one-hot [B, 2, 3], or cell values [B, 2]).
 */
export function likelihoodTable(model: ModelInstance, batch: Batch, value: (c: readonly [number, number], rows: number) => tf.Tensor): number[][] {
  const rows = batch.x.shape[0];
  return CONFIGS.map((c) =>
    tf.tidy(() => Array.from(model.logLikelihood!(batch, { step: 0, rng: new RandomStream(0) }, { z: value(c, rows) }).dataSync())),
  );
}

/** One-hot latents [rows, 2, 3] for a configuration. */
export function oneHotConfig(c: readonly [number, number], rows: number): tf.Tensor {
  return tf.tidy(() => tf.tile(tf.oneHot(tf.tensor1d([c[0], c[1]], 'int32'), 3).toFloat().expandDims(0), [rows, 1, 1]));
}

/** Cell values [rows, 2] for a configuration. */
export function valueConfig(c: readonly [number, number], rows: number): tf.Tensor {
  return tf.tidy(() => tf.tile(tf.tensor2d([[c[0], c[1]]]), [rows, 1]));
}

/** log Σ_c exp(table[c][b] + logPrior(c)) per row b. */
export function exactLogLikelihood(table: number[][], logPrior: (c: readonly [number, number]) => number): number[] {
  return table[0].map((_, b) => {
    const terms = CONFIGS.map((c, i) => table[i][b] + logPrior(c));
    const m = Math.max(...terms);
    return m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0));
  });
}
