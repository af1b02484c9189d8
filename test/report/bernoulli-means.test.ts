// The Bernoulli mean from the gradient of log p(x | z) in x: exact for a Bernoulli likelihood.
import { describe, expect, it } from 'vitest';
import type { Batch, ModelInstance, StepContext } from '../../runtime/model-api.js';
import { bernoulliMeans } from '../../runtime/report/bernoulli-means.js';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

describe('bernoulliMeans', () => {
  it('is σ(logits) of the likelihood whatever the latents and data, via ∂ log p / ∂x', () => {
    const w = tf.tensor2d([[0.5, -1, 2, 0], [3, 0.25, -2, 1]]);
    // A tiny "decoder": logits = z · W; log p(x | z) summed over pixels, per row.
    const model = {
      metadata: { name: 'tiny' },
      logLikelihood: (batch: Batch, _ctx: StepContext, latents: Record<string, tf.Tensor>) =>
        tf.sum(new Bernoulli({ logits: tf.matMul(latents.z, w) }).logProb(batch.x), -1),
    } as unknown as ModelInstance;
    const z = tf.tensor2d([[1, 0], [0.3, -2]]);
    const x = tf.tensor2d([[1, 0, 1, 1], [0, 0, 1, 0]]);
    const means = bernoulliMeans(model, 'x', { x }, { step: 0, rng: new RandomStream(1) }, { z });
    const expected = tf.sigmoid(tf.matMul(z, w)).dataSync();
    expect(Array.from(means).map((v) => +v.toFixed(5))).toEqual(Array.from(expected).map((v) => +v.toFixed(5)));
    tf.dispose([w, z, x]);
  });
});
