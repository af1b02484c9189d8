// Issue 13 item 1: Bernoulli latents on the score function train (the Bernoulli sampler ran a Less comparison on
// the gradient tape, which tfjs cannot differentiate), and their score-function gradient is unbiased.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated, loadModelFile } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-sbn-'));

beforeAll(async () => {
  await initBackend('wasm');
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

describe('two-layer sigmoid belief net with REINFORCE (models/sbn_reinforce.sgm)', () => {
  it('trains 200 steps on binarized MNIST without NaN and its ELBO improves', async () => {
    const module = await loadModelFile('models/sbn_reinforce.sgm', { H1: 20, H2: 20 });
    const model = await module.create({ seed: 0, cacheDir });
    const data = { train: bindModelData(module.metadata, loadDataset('mnist-binarized')) };
    const elbos: number[] = [];
    const summary = await train(model, data, {
      steps: 200,
      batchSize: 50,
      seed: 1,
      learningRate: 1e-3,
      progress: false,
      onStep: (r) => void elbos.push(r.value),
    });
    expect(summary.status, summary.message).toBe('completed');
    expect(elbos.every(Number.isFinite)).toBe(true);
    // Measured: mean of the first 20 steps -519 nats, of the last 20 -234; the margin is far above the batch
    // noise (~±20 nats).
    expect(mean(elbos.slice(-20)) - mean(elbos.slice(0, 20))).toBeGreaterThan(100);
    model.dispose();
  }, 120_000);
});

// A one-layer belief net small enough to enumerate: q(h | x) = Π Bernoulli(σ(x W + b)), p(h) = Π Bernoulli(σ(π)),
// p(x | h) = Π Bernoulli(σ(h V + c)), with H = 2 latent units and D = 3 pixels.
const tiny = (baseline: string) => `
  model tiny(H = 2, D = 3) {
    data x: [B, D]
    param prior_logits: [H] = 0.3
    guide { h ~ Bernoulli(logits = dense(x, [H])) with reinforce(baseline = ${baseline}) }
    generative {
      h ~ Bernoulli(logits = prior_logits)
      x ~ Bernoulli(logits = dense(h, [D]))
    }
    maximize elbo
  }`;

const X = [
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [0, 0, 1],
];

/** log σ(a) in float64, stable for large |a|. */
const logSigmoid = (a: number) => (a >= 0 ? -Math.log1p(Math.exp(-a)) : a - Math.log1p(Math.exp(a)));
const logBernoulli = (v: number, logit: number) => (v === 1 ? logSigmoid(logit) : logSigmoid(-logit));

type Params = Record<string, number[]>;

/**
 * −(batch mean of the exact ELBO), float64, by summing over the four configurations of h: the loss the model
 * minimises in expectation. W is [3, 2] row-major, V is [2, 3].
 */
function exactLoss(p: Params): number {
  let total = 0;
  for (const x of X) {
    for (let config = 0; config < 4; config++) {
      const h = [config & 1, (config >> 1) & 1];
      let logq = 0;
      let logp = 0;
      for (let j = 0; j < 2; j++) {
        const a = p.b[j] + x.reduce((s, xi, i) => s + xi * p.W[i * 2 + j], 0);
        logq += logBernoulli(h[j], a);
        logp += logBernoulli(h[j], p.prior[j]);
      }
      for (let i = 0; i < 3; i++) {
        const a = p.c[i] + h.reduce((s, hj, j) => s + hj * p.V[j * 3 + i], 0);
        logp += logBernoulli(x[i], a);
      }
      total += Math.exp(logq) * (logp - logq);
    }
  }
  return -total / X.length;
}

describe('score-function gradient of Bernoulli latents', () => {
  it.each(['none', 'ema(0.9)'])(
    'baseline = %s: the mean of 1500 gradients is within 4 standard errors of the enumerated gradient',
    async (baseline) => {
      const module = await loadGenerated(tiny(baseline), `sbn_tiny_${baseline.replace(/\W/g, '')}`);
      const model = await module.create({ seed: 3, cacheDir });
      const vars = {
        W: model.variables.get('h.logits/W')!,
        b: model.variables.get('h.logits/b')!,
        V: model.variables.get('x.logits/W')!,
        c: model.variables.get('x.logits/b')!,
        prior: model.variables.get('prior_logits')!,
      };
      // Non-zero biases so that no symmetry makes a gradient vanish.
      vars.b.assign(tf.tensor1d([0.4, -0.7]));
      vars.c.assign(tf.tensor1d([-0.2, 0.5, 0.1]));
      const params: Params = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.from(v.dataSync())]));
      // Central finite differences of the float64 enumeration, for the guide's parameters (the score-function part).
      const reference = (key: 'W' | 'b', i: number) => {
        const eps = 1e-5;
        const plus = structuredClone(params);
        const minus = structuredClone(params);
        plus[key][i] += eps;
        minus[key][i] -= eps;
        return (exactLoss(plus) - exactLoss(minus)) / (2 * eps);
      };
      const batch = { x: tf.tensor2d(X) };
      const draws: { W: number[]; b: number[] }[] = [];
      for (let s = 0; s < 1500; s++) {
        draws.push(
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => model.objective(batch, { step: s, rng: new RandomStream(5000 + s) }).loss, [vars.W, vars.b]);
            return { W: Array.from(grads[vars.W.name].dataSync()), b: Array.from(grads[vars.b.name].dataSync()) };
          }),
        );
        model.afterStep?.();
      }
      for (const key of ['W', 'b'] as const) {
        for (let i = 0; i < params[key].length; i++) {
          const g = draws.map((d) => d[key][i]);
          const se = Math.sqrt(variance(g) / g.length);
          expect(Math.abs(mean(g) - reference(key, i)), `${key}[${i}]`).toBeLessThanOrEqual(4 * se + 1e-4);
        }
      }
      batch.x.dispose();
      model.dispose();
    },
    120_000,
  );
});
