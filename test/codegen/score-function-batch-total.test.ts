// A score-function node with a batch axis under an objective that does not decompose over the batch: the signal
// is the batch total F(c_1, ..., c_B), so the gradient is E[F ∇ Σ_b log q(c_b)] (the score of the B independent
// draws). Checked against the exact gradient by enumerating all K^B configurations, for one and several samples.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-sf-batch-'));
const B = 2;
const logits = [0.2, -0.4, 0.3];
const F = (c: number[]): number => Math.abs(c.reduce((a, b) => a + b, 0) / c.length - 1.3);

/** Exact ∇_logits E[F(c_1, c_2)], c_b ~ Categorical(softmax(logits)) i.i.d., by enumeration (float64). */
function exactGradient(): number[] {
  const z = logits.reduce((a, l) => a + Math.exp(l), 0);
  const p = logits.map((l) => Math.exp(l) / z);
  const grad = [0, 0, 0];
  for (let c1 = 0; c1 < 3; c1++)
    for (let c2 = 0; c2 < 3; c2++) {
      const w = p[c1] * p[c2] * F([c1, c2]);
      // ∇ log p(c1) p(c2) = (e_c1 - p) + (e_c2 - p)
      for (let j = 0; j < 3; j++) grad[j] += w * ((j === c1 ? 1 : 0) + (j === c2 ? 1 : 0) - 2 * p[j]);
    }
  return grad;
}

const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: number[]): number => x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1);

describe('score function with a batch-total signal', () => {
  it.each(['reinforce(baseline = none)', 'reinforce(baseline = none, samples = 3)'])('%s is unbiased', async (estimator) => {
    const module = await loadGenerated(
      `model bt() {
        data x: [B, 1]
        param logits: [3] = 0
        c ~ Categorical(logits = logits) : [B] with ${estimator}
        minimize abs(mean(c) - 1.3 + 0 * mean(x))
      }`,
      'bt',
    );
    const m = await module.create({ seed: 0, cacheDir });
    const v = m.variables.get('logits')!;
    v.assign(tf.tensor1d(logits));
    const batch = { x: tf.zeros([B, 1]) };
    const draws: number[][] = [];
    for (let s = 0; s < 400; s++) {
      draws.push(
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => m.objective(batch, { step: s, rng: new RandomStream(5000 + s) }).loss, [v]);
          return Array.from(grads[v.name].dataSync());
        }),
      );
    }
    const exact = exactGradient();
    for (let j = 0; j < 3; j++) {
      const g = draws.map((d) => d[j]);
      expect(Math.abs(mean(g) - exact[j])).toBeLessThanOrEqual(4 * Math.sqrt(variance(g) / g.length) + 1e-4);
    }
    m.dispose();
    batch.x.dispose();
  }, 120_000);
});
