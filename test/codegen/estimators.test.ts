// Issue 4 acceptance on generated code: GenGS fits a Poisson rate, REINFORCE does too with higher gradient
// variance, enumeration is exact, and score-function gradients are unbiased.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { loadDataset } from '../../runtime/data/registry.js';
import type { CompiledModelModule, ModelInstance } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-est-'));
const gengsSource = readFileSync(join(packageRoot(), 'models/gengs_poisson.sgm'), 'utf8');
const reinforceSource = gengsSource.replace(': [B]\n', ': [B] with reinforce\n');

beforeAll(async () => {
  await initBackend('wasm');
});

/** The gradient of the model's loss with respect to one variable, on one batch and one random stream. */
function gradient(model: ModelInstance, variable: string, batch: Record<string, tf.Tensor>, seed: number): number {
  const v = model.variables.get(variable)!;
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => model.objective(batch, { step: 0, rng: new RandomStream(seed) }).loss, [v]);
    return grads[v.name].dataSync()[0];
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

describe('gengs_poisson', () => {
  let module: CompiledModelModule;
  /**
   * Trains from λ = 5 and returns the fitted rate: the mean of λ over the last 200 steps (Polyak averaging;
   * a single SGD iterate of the score-function run wanders ±1 around the optimum). The optimum of
   * E(n - t)² is mean(t) - 1/2 ≈ 19.5 here, because Var(n) = λ also enters the loss.
   */
  const fittedRate = async (model: ModelInstance, steps: number, learningRate: number): Promise<number> => {
    const rates: number[] = [];
    const data = { train: bindModelData(module.metadata, loadDataset('synthetic:poisson?rate=20&count=1000&seed=3')) };
    const summary = await train(model, data, {
      steps,
      batchSize: 100,
      learningRate,
      seed: 0,
      progress: false,
      onStep: () => void rates.push(Math.exp(model.variables.get('log_rate')!.dataSync()[0])),
    });
    expect(summary.status).toBe('completed');
    expect(rates[0]).toBeLessThan(6); // it starts at 5
    return mean(rates.slice(-200));
  };

  it('fits the rate of Poisson(20) from a start of 5 with GenGS', async () => {
    module = await loadGenerated(gengsSource, 'gengs_poisson');
    const model = await module.create({ seed: 0, cacheDir });
    const rate = await fittedRate(model, 1500, 0.05);
    expect(Math.abs(rate - 20)).toBeLessThanOrEqual(1);
    model.dispose();
  }, 120_000);

  it('also converges with `with reinforce`', async () => {
    module = await loadGenerated(reinforceSource, 'gengs_poisson_reinforce');
    expect(module.metadata.nodes.find((n) => n.name === 'n')?.estimator).toBe('reinforce');
    const model = await module.create({ seed: 0, cacheDir });
    const rate = await fittedRate(model, 2000, 0.03);
    expect(Math.abs(rate - 20)).toBeLessThanOrEqual(1);
    model.dispose();
  }, 120_000);

  it("has lower gradient variance with GenGS than with REINFORCE at the same parameters", async () => {
    const gengs = await (await loadGenerated(gengsSource, 'gengs_poisson_v')).create({ seed: 0, cacheDir });
    const reinforce = await (await loadGenerated(reinforceSource, 'gengs_poisson_rv')).create({ seed: 0, cacheDir });
    const t = tf.tensor1d(Array.from(loadDataset('synthetic:poisson?rate=20&count=100&seed=4').columns.x.values));
    for (const m of [gengs, reinforce]) m.variables.get('log_rate')!.assign(tf.scalar(Math.log(10)));
    const seeds = Array.from({ length: 200 }, (_, i) => i + 1);
    const g = seeds.map((s) => gradient(gengs, 'log_rate', { t }, s));
    const r = seeds.map((s) => gradient(reinforce, 'log_rate', { t }, s));
    // Both estimate the same descent direction (λ = 10 < 20: the loss falls as the rate grows).
    expect(mean(g)).toBeLessThan(0);
    expect(mean(r)).toBeLessThan(0);
    expect(variance(g)).toBeLessThan(variance(r));
    t.dispose();
  }, 120_000);
});

describe('enumeration', () => {
  it('computes the exact expectation and gradient of a small Categorical model', async () => {
    const source = readFileSync(join(packageRoot(), 'test/cases/good/enumerate_joint.sgm'), 'utf8');
    const module = await loadGenerated(source, 'enumerate_joint');
    expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('enumerate');
    const model = await module.create({ seed: 0, cacheDir });
    const logits = [0.3, -0.2, 0.5, 0.1];
    model.variables.get('logits')!.assign(tf.tensor1d(logits));
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    const p = logits.map((l) => Math.exp(l) / z);
    const f = [0, 1, 2, 3].map((k) => (k - 2) ** 2);
    const expected = p.reduce((a, pk, k) => a + pk * f[k], 0);
    const v = model.variables.get('logits')!;
    const { value, grads } = tf.variableGrads(() => model.objective({}, { step: 0, rng: new RandomStream(1) }).loss, [v]);
    expect(value.dataSync()[0]).toBeCloseTo(expected, 5);
    // d/dlogit_j Σ_k p_k f_k = p_j (f_j − E[f])
    const analytic = p.map((pj, j) => pj * (f[j] - expected));
    Array.from(grads[v.name].dataSync()).forEach((gj, j) => expect(gj).toBeCloseTo(analytic[j], 5));
  });
});

describe('score-function gradients', () => {
  const model = (estimator: string) => `
    model sf(S = 64) {
      param logits: [3] = 0
      c ~ Categorical(logits = logits) : [S] with ${estimator}
      minimize mean((c - 1.3)^2)
    }`;

  it.each(['reinforce(baseline = none)', 'reinforce(baseline = ema(0.9))', 'reinforce(baseline = loo, samples = 4)'])(
    '%s is unbiased (mean within 4 standard errors of the closed form)',
    async (estimator) => {
      const module = await loadGenerated(model(estimator), 'sf');
      const m = await module.create({ seed: 0, cacheDir });
      const logits = [0.2, -0.4, 0.3];
      m.variables.get('logits')!.assign(tf.tensor1d(logits));
      const z = logits.reduce((a, l) => a + Math.exp(l), 0);
      const p = logits.map((l) => Math.exp(l) / z);
      const f = [0, 1, 2].map((k) => (k - 1.3) ** 2);
      const e = p.reduce((a, pk, k) => a + pk * f[k], 0);
      const analytic = p.map((pj, j) => pj * (f[j] - e));
      const v = m.variables.get('logits')!;
      const draws: number[][] = [];
      for (let s = 0; s < 300; s++) {
        draws.push(
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => m.objective({}, { step: s, rng: new RandomStream(1000 + s) }).loss, [v]);
            return Array.from(grads[v.name].dataSync());
          }),
        );
        m.afterStep?.();
      }
      for (let j = 0; j < 3; j++) {
        const g = draws.map((d) => d[j]);
        const se = Math.sqrt(variance(g) / g.length);
        expect(Math.abs(mean(g) - analytic[j])).toBeLessThanOrEqual(4 * se + 1e-4);
      }
      m.dispose();
    },
    120_000,
  );
});
