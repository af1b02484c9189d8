// The importance-sampled log-likelihood of the recovered discrete model (docs/math.md section 8) on models small
// enough to enumerate: 2 latents × 3 categories = 9 configurations, so log p(x) is an exact log-sum-exp.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { discreteLatent, type CategoricalLatent } from '../../runtime/eval/discrete-latent.js';
import { discretizedSampler } from '../../runtime/eval/discretized-model.js';
import { importanceSample, logAddExp, type ImportanceResult, type ImportanceSampler } from '../../runtime/eval/importance-sampling.js';
import type { Batch, ModelInstance } from '../../runtime/model-api.js';
import { igrDiscreteProbs } from '../../stdlib/igr/discrete-recovery.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from '../codegen/load-generated.js';
import { CONFIGS, TINY_GENGS, TINY_GS, TINY_IGR, exactLogLikelihood, likelihoodTable, oneHotConfig, tinyBatch, valueConfig } from './tiny-models.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-eval-'));
const ROWS = 5;

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * A model with weights drawn from a fixed seed; the decoder's are scaled up so that the exact posterior is far
 * from uniform. The encoder is left as initialised: an untrained encoder's q(z | x) is unrelated to the
 * posterior, and scaled up it would be a proposal so poor that 20000 samples could not fix it.
 */
async function tinyModel(source: string, name: string): Promise<ModelInstance> {
  const model = await (await loadGenerated(source, name)).create({ seed: 3, cacheDir });
  for (const [key, v] of model.variables) if (key.startsWith('x.')) v.assign(tf.mul(v, 4));
  return model;
}

/** The discretized latent z of a model on a batch (recovered posterior and prior). */
function latentOf(model: ModelInstance, batch: Batch, rng: RandomStream): CategoricalLatent {
  const ctx = { step: 0, rng };
  const l = discreteLatent('z', model.posterior!(batch, ctx).z, model.prior!(batch, ctx).z, { rng, samples: 1000, priorSamples: 1000 });
  if (l.kind !== 'categorical') throw new Error('expected a categorical latent');
  return l;
}

/** Runs `f` in a tf.tidy scope and returns its (non-tensor) result. */
function scoped<T>(f: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = f();
  });
  return out as T;
}

/**
 * Four standard errors of log p̂(x) for data point b, by the delta method: Var(log p̂) ≈ Var(w) / (S E[w]²)
 * = (S / ESS - 1) / S with ESS the Kish effective sample size; plus float32 rounding.
 */
function tolerance(r: ImportanceResult, v: number, b: number): number {
  return 4 * Math.sqrt(Math.max(0, r.samples / r.effectiveSampleSize[v][b] - 1) / r.samples) + 1e-3;
}

/** Row b of a [B, 2, 3] (or [3]) log-probability table as plain numbers. */
function logProbsOf(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe.each([
  ['IGR_I', TINY_IGR, oneHotConfig],
  ['GumbelSoftmax', TINY_GS, oneHotConfig],
  ['GenGS', TINY_GENGS, valueConfig],
] as const)('%s: discretized model', (family, source, value) => {
  let model: ModelInstance;
  let batch: Batch;
  let exactRecovered: number[];
  let logQ: number[];
  let logP: number[];

  beforeAll(async () => {
    model = await tinyModel(source, `tiny_${family}`);
    batch = tinyBatch(ROWS);
    const l = latentOf(model, batch, new RandomStream(1));
    logQ = logProbsOf(l.posterior.logProbs);
    logP = logProbsOf(tf.reshape(tf.broadcastTo(l.prior.logProbs, [2, 3]), [6]));
    const table = likelihoodTable(model, batch, value);
    exactRecovered = exactLogLikelihood(table, ([a, b]) => logP[a] + logP[3 + b]);
  });

  it('recovers a posterior that sums to one per latent, and the prior it is given', () => {
    for (let r = 0; r < ROWS * 2; r++) expect(logQ.slice(3 * r, 3 * r + 3).reduce((a, x) => a + Math.exp(x), 0)).toBeCloseTo(1, 5);
    if (family === 'GumbelSoftmax') logP.forEach((lp) => expect(lp).toBeCloseTo(Math.log(1 / 3), 5));
    if (family === 'GenGS') {
      // Poisson(1) truncated to 0, 1, ≥2: e^-1, e^-1, 1 - 2e^-1 (GenGS Definition 1).
      const e = Math.exp(-1);
      [e, e, 1 - 2 * e].forEach((p, k) => expect(Math.exp(logP[k])).toBeCloseTo(p, 5));
    }
  });

  it('estimates the exact log p(x) with the recovered posterior as proposal (S = 100000)', () => {
    const ctx = { step: 0, rng: new RandomStream(2) };
    const r = scoped(() => importanceSample(discretizedSampler(model, batch, ctx, [latentOf(model, batch, ctx.rng)]), 100000, 10000));
    for (let b = 0; b < ROWS; b++) expect(Math.abs(r.logLikelihood[0][b] - exactRecovered[b])).toBeLessThan(tolerance(r, 0, b));
  });

  it('scores the uniform prior from the same samples when the latent lives on a simplex', () => {
    const ctx = { step: 0, rng: new RandomStream(3) };
    const r = scoped(() => importanceSample(discretizedSampler(model, batch, ctx, [latentOf(model, batch, ctx.rng)]), 100000, 10000));
    if (family === 'GenGS') {
      expect(r.logLikelihood).toHaveLength(1);
      return;
    }
    const exactUniform = exactLogLikelihood(likelihoodTable(model, batch, value), () => 2 * Math.log(1 / 3));
    for (let b = 0; b < ROWS; b++) expect(Math.abs(r.logLikelihood[1][b] - exactUniform[b])).toBeLessThan(tolerance(r, 1, b));
  });

  if (family === 'IGR_I') {
    it('uses Proposition 2 for the IGR-I posterior', () => {
      const rng = new RandomStream(4);
      const q = model.posterior!(batch, { step: 0, rng }).z as unknown as { mu: tf.Tensor; sigma: tf.Tensor };
      const expected = Array.from(igrDiscreteProbs(q.mu, q.sigma).dataSync());
      logQ.forEach((lq, i) => expect(Math.exp(lq)).toBeCloseTo(expected[i], 6));
    });
  }
});

describe('the estimator with known proposals', () => {
  let model: ModelInstance;
  let batch: Batch;
  let table: number[][];
  let exact: number[];
  const logPrior = 2 * Math.log(1 / 3);

  beforeAll(async () => {
    model = await tinyModel(TINY_IGR, 'tiny_igr_known');
    batch = tinyBatch(ROWS);
    table = likelihoodTable(model, batch, oneHotConfig);
    exact = exactLogLikelihood(table, () => logPrior);
  });

  /** A sampler over the 9 joint configurations with proposal log-probabilities logQ[c][b] (uniform prior). */
  function jointSampler(logQ: number[][], rng: RandomStream): ImportanceSampler {
    return {
      rows: ROWS,
      draw(s) {
        const logits = tf.tensor2d(CONFIGS.map((_, c) => logQ[c]), [CONFIGS.length, ROWS]).transpose(); // [B, 9]
        const index = tf.argMax(tf.add(logits, rng.gumbel([s, ROWS, CONFIGS.length])), -1); // [s, B]
        const oneHot = tf.oneHot(index, CONFIGS.length).toFloat(); // [s, B, 9]
        const logProposal = tf.sum(tf.mul(oneHot, logits), -1);
        // Config c → one-hot pair [2, 3].
        const pairs = tf.tensor3d(CONFIGS.map(([a, b]) => [0, 1].map((i) => [0, 1, 2].map((k) => (k === (i === 0 ? a : b) ? 1 : 0)))));
        const z = tf.reshape(tf.matMul(tf.reshape(oneHot, [-1, CONFIGS.length]), tf.reshape(pairs, [CONFIGS.length, 6])), [s * ROWS, 2, 3]);
        return { latents: { z }, logProposal, logPrior: [tf.fill([s, ROWS], logPrior)] };
      },
      logLikelihood(latents, s) {
        return model.logLikelihood!({ x: tf.tile(batch.x, [s, 1]) }, { step: 0, rng }, latents);
      },
    };
  }

  it('is exact for any S when q is the exact posterior (every weight equals p(x))', () => {
    const posterior = CONFIGS.map((_, c) => table[c].map((ll, b) => ll + logPrior - exact[b]));
    const r = scoped(() => importanceSample(jointSampler(posterior, new RandomStream(5)), 7, 3));
    for (let b = 0; b < ROWS; b++) {
      expect(r.logLikelihood[0][b]).toBeCloseTo(exact[b], 4);
      expect(r.effectiveSampleSize[0][b]).toBeCloseTo(7, 3);
    }
  });

  it('converges to the exact value with the prior as proposal (S = 40000)', () => {
    const prior = CONFIGS.map(() => new Array<number>(ROWS).fill(logPrior));
    const r = scoped(() => importanceSample(jointSampler(prior, new RandomStream(6)), 40000, 5000));
    for (let b = 0; b < ROWS; b++) expect(Math.abs(r.logLikelihood[0][b] - exact[b])).toBeLessThan(tolerance(r, 0, b));
  });

  it('gives a different answer when the proposal misses part of the posterior (the test can fail)', () => {
    // All mass on configuration 0: the estimate is log p(x, z = 0) + log 9, not log p(x).
    const onlyFirst = CONFIGS.map((_, c) => new Array<number>(ROWS).fill(c === 0 ? 0 : -1e30));
    const r = scoped(() => importanceSample(jointSampler(onlyFirst, new RandomStream(7)), 50, 50));
    for (let b = 0; b < ROWS; b++) expect(r.logLikelihood[0][b]).toBeCloseTo(table[0][b] + logPrior, 3);
    expect(CONFIGS.some((_, c) => Math.abs(table[c][0] - table[0][0]) > 0.1)).toBe(true);
  });
});

describe('logAddExp', () => {
  it('adds in log space without overflow and with -inf', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 12);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 9);
    expect(logAddExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
  });
});
