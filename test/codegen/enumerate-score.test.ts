// Issue 13 item 9: an enumerated variable next to score-function nodes (TraceEnum_ELBO-style). The compiler used
// to choose enumeration and then reject its own choice (SGM5003); now both run together, and the gradient is
// unbiased against exact enumeration of every variable (float64, written separately here).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-enum-sf-'));

beforeAll(async () => {
  await initBackend('wasm');
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

/** The mean and gradients of `loss` over `n` random streams (calling afterStep between them, as training does). */
function gradientDraws(
  model: { objective: (b: Record<string, tf.Tensor>, c: { step: number; rng: RandomStream }) => { loss: tf.Scalar }; afterStep?: () => void },
  batch: Record<string, tf.Tensor>,
  vars: readonly tf.Variable[],
  n: number,
): number[][][] {
  const draws: number[][][] = [];
  for (let s = 0; s < n; s++) {
    draws.push(
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => model.objective(batch, { step: s, rng: new RandomStream(9000 + s) }).loss, [...vars]);
        return vars.map((v) => Array.from(grads[v.name].dataSync()));
      }),
    );
    model.afterStep?.();
  }
  return draws;
}

/** Every component of the draws' mean within 4 standard errors of `reference`. */
function expectUnbiased(draws: number[][][], reference: number[][], label: string): void {
  reference.forEach((ref, v) =>
    ref.forEach((r, i) => {
      const g = draws.map((d) => d[v][i]);
      const se = Math.sqrt(variance(g) / g.length);
      expect(Math.abs(mean(g) - r), `${label} variable ${v}[${i}]: mean ${mean(g)}, reference ${r}, se ${se}`).toBeLessThanOrEqual(4 * se + 1e-4);
    }),
  );
}

// The shape of the model in the issue: a per-data-point Categorical that the compiler enumerates by itself,
// next to a Poisson that can only take the score function.
const issueModel = `
model mixed(K = 3, D = 5) {
  data x: [B, D]
  guide {
    e ~ Categorical(logits = dense(x, [K]))
    n ~ Poisson(rate = softplus(dense(x, [1])))
  }
  generative {
    e ~ Categorical(logits = zeros([K]))
    n ~ Poisson(rate = 2)
    x ~ Poisson(rate = softplus(dense(one_hot(e, K), [D])) * (n + 1))
  }
  maximize elbo
}`;

describe('enumeration next to score-function nodes', () => {
  it('the model of the issue checks (no error), plans enumerate + reinforce, and trains without NaN', async () => {
    const r = compileSource('mixed.sgm', issueModel, { sgmVersion: SGM_VERSION });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const module = await loadGenerated(issueModel, 'mixed');
    expect(module.metadata.nodes.find((n) => n.name === 'e')?.estimator).toBe('enumerate');
    expect(module.metadata.nodes.find((n) => n.name === 'n')?.estimator).toBe('reinforce');
    const model = await module.create({ seed: 0, cacheDir });
    const data = { train: bindModelData(module.metadata, loadDataset('synthetic:lda?vocab=5&topics=2&docs=200&length=20')) };
    const values: number[] = [];
    const summary = await train(model, data, { steps: 100, batchSize: 20, seed: 1, learningRate: 0.01, progress: false, onStep: (s) => void values.push(s.value) });
    expect(summary.status, summary.message).toBe('completed');
    expect(values.every(Number.isFinite)).toBe(true);
    expect(mean(values.slice(-10))).toBeGreaterThan(mean(values.slice(0, 10)));
    model.dispose();
  }, 120_000);

  it('blocks model, per-data-point enumeration: the gradient is unbiased against float64 enumeration of both latents', async () => {
    // e (K = 2) is enumerated by the compiler; h (Bernoulli) cannot be (one enumerated variable per model) and
    // takes the score function. Exact ELBO: Σ_e Σ_h q(e|x) q(h|x) [log p(x|e,h) + log p(e) p(h) − log q(e|x) q(h|x)].
    const source = `
      model tiny(K = 2, D = 2) {
        data x: [B, D]
        param means: [K, D] = 0
        param shift: [D] = 0
        guide {
          e ~ Categorical(logits = dense(x, [K]))
          h ~ Bernoulli(logits = dense(x, [1])) with reinforce(baseline = ema(0.9))
        }
        generative {
          e ~ Categorical(logits = zeros([K]))
          h ~ Bernoulli(logits = zeros([1]))
          x ~ Normal(means[e] + h * shift, 1)
        }
        maximize elbo
      }`;
    const module = await loadGenerated(source, 'tiny_enum_sf');
    expect(module.metadata.nodes.find((n) => n.name === 'e')?.estimator).toBe('enumerate');
    expect(module.metadata.nodes.find((n) => n.name === 'h')?.estimator).toBe('reinforce');
    const model = await module.create({ seed: 4, cacheDir });
    const v = (name: string) => model.variables.get(name)!;
    v('means').assign(tf.tensor2d([[-1, 0.5], [1, -0.5]]));
    v('shift').assign(tf.tensor1d([0.8, 1.2]));
    v('h.logits/b').assign(tf.tensor1d([0.3]));
    v('e.logits/b').assign(tf.tensor1d([0.2, -0.1]));
    const X = [
      [0.5, 1.0],
      [-1.2, 0.3],
      [1.5, 1.9],
    ];
    const names = ['e.logits/W', 'e.logits/b', 'h.logits/W', 'h.logits/b'];
    const params = Object.fromEntries([...names, 'means', 'shift'].map((n) => [n, Array.from(v(n).dataSync())]));
    const logSigmoid = (a: number) => (a >= 0 ? -Math.log1p(Math.exp(-a)) : a - Math.log1p(Math.exp(a)));
    const exactLoss = (p: Record<string, number[]>): number => {
      let total = 0;
      for (const x of X) {
        const el = [0, 1].map((k) => p['e.logits/b'][k] + x[0] * p['e.logits/W'][k] + x[1] * p['e.logits/W'][2 + k]);
        const lse = Math.log(Math.exp(el[0]) + Math.exp(el[1]));
        const hl = p['h.logits/b'][0] + x[0] * p['h.logits/W'][0] + x[1] * p['h.logits/W'][1];
        for (let e = 0; e < 2; e++)
          for (let h = 0; h < 2; h++) {
            const logq = el[e] - lse + (h === 1 ? logSigmoid(hl) : logSigmoid(-hl));
            const logPrior = Math.log(0.5) + Math.log(0.5);
            const logLik = x.reduce((s, xi, d) => {
              const mu = p.means[e * 2 + d] + h * p.shift[d];
              return s - 0.5 * (xi - mu) ** 2 - 0.5 * Math.log(2 * Math.PI);
            }, 0);
            total += Math.exp(logq) * (logLik + logPrior - logq);
          }
      }
      return -total / X.length;
    };
    const reference = names.map((n) =>
      params[n].map((_, i) => {
        const eps = 1e-5;
        const plus = structuredClone(params);
        const minus = structuredClone(params);
        plus[n][i] += eps;
        minus[n][i] -= eps;
        return (exactLoss(plus) - exactLoss(minus)) / (2 * eps);
      }),
    );
    const batch = { x: tf.tensor2d(X) };
    const draws = gradientDraws(model, batch, names.map(v), 800);
    expectUnbiased(draws, reference, 'blocks');
    batch.x.dispose();
    model.dispose();
  }, 120_000);

  it('flat model, joint enumeration: the gradient is unbiased against the closed form', async () => {
    // E_c E_n mean_s (n_s − c/2 − 1)² = Σ_c p_c [λ + (λ − c/2 − 1)²] for n_s ~ Poisson(λ), c ~ Categorical(p).
    const source = `
      model flat_mix(S = 16) {
        param logits: [3] = 0
        param log_rate: [] = 0
        c ~ Categorical(logits = logits)
        n ~ Poisson(rate = exp(log_rate)) : [S]
        minimize mean((n - 0.5 * c - 1)^2)
      }`;
    const module = await loadGenerated(source, 'flat_mix');
    expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('enumerate');
    expect(module.metadata.nodes.find((n) => n.name === 'n')?.estimator).toBe('reinforce');
    const model = await module.create({ seed: 0, cacheDir });
    const logits = [0.3, -0.5, 0.1];
    const lambda = 1.7;
    model.variables.get('logits')!.assign(tf.tensor1d(logits));
    model.variables.get('log_rate')!.assign(tf.scalar(Math.log(lambda)));
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    const p = logits.map((l) => Math.exp(l) / z);
    const f = [0, 1, 2].map((c) => lambda + (lambda - 0.5 * c - 1) ** 2);
    const expected = p.reduce((a, pc, c) => a + pc * f[c], 0);
    const dLogits = p.map((pj, j) => pj * (f[j] - expected));
    const dLogRate = lambda * p.reduce((a, pc, c) => a + pc * (1 + 2 * (lambda - 0.5 * c - 1)), 0);
    const draws = gradientDraws(model, {}, [model.variables.get('logits')!, model.variables.get('log_rate')!], 600);
    expectUnbiased(draws, [dLogits, [dLogRate]], 'flat');
    model.dispose();
  }, 120_000);

  it('flat model with reinforce(samples = 4) next to an enumerable variable: falls back with the reason, or rejects an explicit enumerate', () => {
    const flat = (c: string) => `
      model m(S = 8) {
        param logits: [3] = 0
        param log_rate: [] = 0
        c ~ Categorical(logits = logits)${c}
        n ~ Poisson(rate = exp(log_rate)) : [S] with reinforce(baseline = loo, samples = 4)
        minimize mean((n - 2 * c - 1)^2)
      }`;
    const auto = compileSource('m.sgm', flat(''), { sgmVersion: SGM_VERSION });
    expect(auto.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const c = auto.plans[0]?.estimators.find((e) => e.node === 'c');
    expect(c?.estimator).toBe('reinforce');
    expect(c?.reason).toMatch(/^enumerable, but 'n' draws 4 score-function samples per step/);
    const explicit = compileSource('m.sgm', flat(' with enumerate'), { sgmVersion: SGM_VERSION });
    expect(explicit.diagnostics.map((d) => d.code)).toContain('SGM5003');
  });

  it('blocks model, a guide latent without batch axis (joint enumeration): exact, and unbiased next to a score-function node', async () => {
    // c is one global Categorical (no batch axis): the objective sums over its 3 values; h (per data point,
    // Bernoulli) takes the score function with one draw per configuration of c.
    const source = `
      model global_c(K = 3) {
        data x: [B, 1]
        param means: [K, 1] = 0
        param ql: [K] = 0
        param shift: [1] = 0
        guide {
          c ~ Categorical(logits = ql)
          h ~ Bernoulli(logits = dense(x, [1])) with reinforce(baseline = ema(0.9))
        }
        generative {
          c ~ Categorical(logits = zeros([K]))
          h ~ Bernoulli(logits = zeros([1]))
          x ~ Normal(means[c] + h * shift, 1)
        }
        maximize elbo
      }`;
    const module = await loadGenerated(source, 'global_c');
    expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('enumerate');
    const model = await module.create({ seed: 1, cacheDir });
    const v = (name: string) => model.variables.get(name)!;
    v('means').assign(tf.tensor2d([[-1], [0.5], [2]]));
    v('ql').assign(tf.tensor1d([0.2, -0.3, 0.4]));
    v('shift').assign(tf.tensor1d([0.7]));
    v('h.logits/b').assign(tf.tensor1d([0.1]));
    const X = [0.3, -1.1, 2.2, 0.9];
    const names = ['ql', 'means', 'h.logits/W', 'h.logits/b'];
    const params = Object.fromEntries([...names, 'shift'].map((n) => [n, Array.from(v(n).dataSync())]));
    const logSigmoid = (a: number) => (a >= 0 ? -Math.log1p(Math.exp(-a)) : a - Math.log1p(Math.exp(a)));
    // −(E_q(c)[mean_b E_q(h_b) [log p(x_b | c, h_b) + log p(h_b) − log q(h_b)]] − KL(q(c) ‖ uniform)).
    const exactLoss = (p: Record<string, number[]>): number => {
      const lse = Math.log(p.ql.reduce((a, l) => a + Math.exp(l), 0));
      const qc = p.ql.map((l) => Math.exp(l - lse));
      const klc = qc.reduce((a, q) => a + q * (Math.log(q) - Math.log(1 / 3)), 0);
      let expected = 0;
      qc.forEach((q, c) => {
        let perRow = 0;
        for (const x of X) {
          const hl = p['h.logits/b'][0] + x * p['h.logits/W'][0];
          for (let h = 0; h < 2; h++) {
            const logq = h === 1 ? logSigmoid(hl) : logSigmoid(-hl);
            const mu = p.means[c] + h * p.shift[0];
            perRow += Math.exp(logq) * (-0.5 * (x - mu) ** 2 - 0.5 * Math.log(2 * Math.PI) + Math.log(0.5) - logq);
          }
        }
        expected += q * (perRow / X.length);
      });
      return -(expected - klc);
    };
    const reference = names.map((n) =>
      params[n].map((_, i) => {
        const eps = 1e-5;
        const plus = structuredClone(params);
        const minus = structuredClone(params);
        plus[n][i] += eps;
        minus[n][i] -= eps;
        return (exactLoss(plus) - exactLoss(minus)) / (2 * eps);
      }),
    );
    const batch = { x: tf.tensor2d(X, [4, 1]) };
    // The value is the exact expectation over c and a one-draw estimate over h: its mean is the exact ELBO.
    const values = Array.from({ length: 400 }, (_, s) => tf.tidy(() => model.objective(batch, { step: s, rng: new RandomStream(300 + s) }).value.dataSync()[0]));
    expect(Math.abs(mean(values) + exactLoss(params))).toBeLessThanOrEqual(4 * Math.sqrt(variance(values) / values.length) + 1e-4);
    const draws = gradientDraws(model, batch, names.map(v), 500);
    expectUnbiased(draws, reference, 'global c');
    batch.x.dispose();
    model.dispose();
  }, 120_000);
});

describe('per-data-point enumeration of a latent with an extra axis of size 1', () => {
  it('a [B, 1] Categorical gives the same exact ELBO as the [B] one with the same weights', async () => {
    // Found by the model generator: q(k | x) of a [B, 1] latent was [B, 1] and broadcast against the [B] values
    // of each configuration to [B, B], so the mean mixed the data points.
    const model = (logits: string) => `
      model column(K = 3, D = 2) {
        data x: [B, D]
        guide { c ~ Categorical(logits = ${logits}) }
        generative {
          c ~ Categorical(logits = zeros([K]))
          x ~ Normal(dense(flatten(one_hot(c, K)), [D]), 1)
        }
        maximize elbo
      }`;
    const x = tf.tensor2d([[0.5, -1], [2, 0.3], [-1.2, 0.8], [0.1, 0.1]]);
    const values: number[] = [];
    for (const [logits, name] of [['dense(x, [1, K])', 'column'], ['dense(x, [K])', 'flat']]) {
      const module = await loadGenerated(model(logits), name);
      expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('enumerate');
      const m = await module.create({ seed: 4, cacheDir });
      values.push(tf.tidy(() => m.objective({ x }, { step: 0, rng: new RandomStream(1) }).value.dataSync()[0]));
      m.dispose();
    }
    expect(Number.isFinite(values[0])).toBe(true);
    expect(values[0]).toBeCloseTo(values[1], 5);
  }, 120_000);
});
