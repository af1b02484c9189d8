// Issue 16 item 4: enumeration in flat models (`maximize loglik(x)` with a summed-out latent: the exact marginal
// log-likelihood, a log-sum-exp over the support) and several enumerated variables per data point (their product
// of supports), each against a float64 reference written here (sums over the support by hand); values and
// gradients (central differences of the reference), incl. large logits and points hundreds of nats away.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import type { CompiledModelModule } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-tiled-flat-'));

beforeAll(async () => {
  await initBackend('wasm');
});

type Params = Record<string, number[]>;
const LOG_2PI = Math.log(2 * Math.PI);

function logSumExp(v: readonly number[]): number {
  const m = Math.max(...v);
  return m === -Infinity ? m : m + Math.log(v.reduce((s, a) => s + Math.exp(a - m), 0));
}
const logSoftmax = (v: readonly number[]) => v.map((a) => a - logSumExp(v));
const logNormal = (x: number, mu: number, sigma: number) => -0.5 * LOG_2PI - Math.log(sigma) - 0.5 * ((x - mu) / sigma) ** 2;

/**
 * The model's value and gradients at `params` (set into its variables by name, flat row-major) against `ref` and its
 * central differences; tolerances relative to max(1, |reference|).
 */
async function expectMatches(module: CompiledModelModule, params: Params, rows: number[][], ref: (p: Params) => number, tol = { value: 1e-4, grad: 2e-3 }): Promise<void> {
  const model = await module.create({ seed: 1, cacheDir });
  for (const [name, v] of Object.entries(params)) {
    const variable = model.variables.get(name)!;
    variable.assign(tf.tensor(v, variable.shape));
  }
  const names = Object.keys(params);
  const vars = names.map((n) => model.variables.get(n)!);
  const { value, grads } = tf.tidy(() => {
    const out = tf.variableGrads(() => model.objective({ x: tf.tensor2d(rows) }, { step: 0, rng: new RandomStream(3) }).value, vars);
    return { value: out.value.dataSync()[0], grads: vars.map((v) => Array.from(out.grads[v.name].dataSync())) };
  });
  const expected = ref(params);
  expect(Math.abs(value - expected), `value ${value}, reference ${expected}`).toBeLessThan(tol.value * Math.max(1, Math.abs(expected)));
  names.forEach((n, vi) =>
    params[n].forEach((_, i) => {
      const h = 1e-6 * Math.max(1, Math.abs(params[n][i]));
      const at = (d: number) => ref({ ...params, [n]: params[n].map((x, j) => (j === i ? x + d : x)) });
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(grads[vi][i] - fd), `d/d${n}[${i}]: tf ${grads[vi][i]}, finite difference ${fd}`).toBeLessThan(tol.grad * Math.max(1, Math.abs(fd)));
    }),
  );
  model.dispose();
}

const K = 3;
const D = 2;
const gmmSource = readFileSync(join(packageRoot(), 'models/gmm_enumerated.sgm'), 'utf8');

/** Mean over rows of log Σ_k softmax(w)_k N(x | μ_k, diag(exp(2 s_k))), float64. */
function gmmLoglik64(p: Params, rows: readonly number[][]): number {
  const lw = logSoftmax(p.w);
  const per = rows.map((x) =>
    logSumExp(lw.map((l, k) => l + x.reduce((s, xd, d) => s + logNormal(xd, p.means[k * D + d], Math.exp(p.log_scales[k * D + d])), 0))),
  );
  return per.reduce((a, b) => a + b, 0) / rows.length;
}

const ROWS = [
  [0.3, -1.2],
  [1.5, 0.4],
  [-0.7, 0.9],
  [2.0, -2.0],
  [0.1, 0.2],
];
const GMM: Params = { w: [0.2, -0.5, 0.9], means: [-1, 0.5, 1.2, -0.3, 0.4, 1.1], log_scales: [-0.2, 0.1, 0.3, -0.4, 0, 0.2] };

describe('flat model: a latent summed out of loglik(x) (models/gmm_enumerated.sgm)', () => {
  it('plans a tiled enumeration, no loop over values', () => {
    const r = compileSource('gmm_enumerated.sgm', gmmSource, { sgmVersion: SGM_VERSION });
    expect(r.plans[0].estimators.map((e) => [e.node, e.estimator, e.enumeration?.mode])).toEqual([['c', 'enumerate', 'tiled']]);
    const objective = r.code!.slice(r.code!.indexOf('objective(batch'), r.code!.indexOf('trace(batch'));
    expect(objective).toContain('logSumOverCopies(');
    expect(objective).not.toMatch(/\bfor \(/);
  });

  it('value and gradients equal the float64 marginal log-likelihood', async () => {
    await expectMatches(await loadGenerated(gmmSource, 'gmm_enumerated'), GMM, ROWS, (p) => gmmLoglik64(p, ROWS));
  });

  it('large logits and far points: float32-safe (log-sum-exp), still equal to the float64 reference', async () => {
    // softmax(w) puts e^-300 on two components; the last point lies ~40 standard deviations from every mean
    // (log p(x | k) ≈ −800 nats: exp underflows, the log-sum-exp does not).
    const far = [...ROWS, [40, -35]];
    const p = { ...GMM, w: [150, -150, 0], log_scales: GMM.log_scales.map((s) => s - 0.3) };
    await expectMatches(await loadGenerated(gmmSource, 'gmm_enumerated_far'), p, far, (q) => gmmLoglik64(q, far), { value: 2e-5, grad: 5e-3 });
  });

  it('gives the same value as MixtureSameFamily (models/gmm_marginal.sgm) at the same parameters', async () => {
    const marginal = await loadGenerated(readFileSync(join(packageRoot(), 'models/gmm_marginal.sgm'), 'utf8'), 'gmm_marginal_cmp');
    const model = await marginal.create({ seed: 1, cacheDir });
    for (const [name, v] of Object.entries(GMM)) model.variables.get(name)!.assign(tf.tensor(v, model.variables.get(name)!.shape));
    const viaMixture = tf.tidy(() => model.objective({ x: tf.tensor2d(ROWS) }, { step: 0, rng: new RandomStream(3) }).value.dataSync()[0]);
    expect(Math.abs(viaMixture - gmmLoglik64(GMM, ROWS))).toBeLessThan(1e-4);
    model.dispose();
  });
});

describe('several enumerated variables per data point: their product of supports', () => {
  // Flat: c ~ Cat(w), e | c ~ Cat(logits = v[c]) (2 values), x | c, e ~ N(means[c] + offsets[e], 1).
  const FLAT2 = `model flat2(K = 3, D = 2) {
  data x: [B, D]
  param w: [K] = 0
  param v: [K, 2] = 0
  param means: [K, D] = randn(1)
  param offsets: [2, D] = randn(1)

  c ~ Categorical(logits = w) : [B]
  e ~ Categorical(logits = v[c])
  x ~ Normal(means[c] + offsets[e], 1)

  maximize loglik(x)
}
`;
  const flat2Loglik64 = (p: Params, rows: readonly number[][]) => {
    const lw = logSoftmax(p.w);
    const per = rows.map((x) => {
      const terms: number[] = [];
      for (let k = 0; k < K; k++) {
        const le = logSoftmax([p.v[2 * k], p.v[2 * k + 1]]);
        for (let j = 0; j < 2; j++) terms.push(lw[k] + le[j] + x.reduce((s, xd, d) => s + logNormal(xd, p.means[k * D + d] + p.offsets[j * D + d], 1), 0));
      }
      return logSumExp(terms);
    });
    return per.reduce((a, b) => a + b, 0) / rows.length;
  };

  it('flat model: 3 × 2 = 6 configurations, exact', async () => {
    const r = compileSource('flat2.sgm', FLAT2, { sgmVersion: SGM_VERSION });
    expect(r.code).toContain('tileBatch(batch, 6');
    const p: Params = { w: [0.3, -0.2, 1], v: [2, -1, 0.5, 0.5, -3, 1], means: [-1, 0.5, 1.2, -0.3, 0.4, 1.1], offsets: [0.5, -0.5, -1, 0.8] };
    await expectMatches(await loadGenerated(FLAT2, 'flat2'), p, ROWS, (q) => flat2Loglik64(q, ROWS));
  });

  // Blocks: q(y1 | x) = Cat(x W1), q(y2 | x, y1) = Cat(x W2 + A[y1]) (the guide reads y1 again); p(y1) = Cat(p1),
  // p(y2 | y1) = Cat(Bp[y1]), p(x | y1, y2) = N(means[y1] + offsets[y2], 1).
  const BLOCKS2 = `model blocks2(K = 3, D = 2) {
  data x: [B, D]
  param W1: [D, K] = randn(1)
  param W2: [D, 2] = randn(1)
  param A: [K, 2] = randn(1)
  param p1: [K] = 0
  param Bp: [K, 2] = 0
  param means: [K, D] = randn(1)
  param offsets: [2, D] = randn(1)

  guide {
    y1 ~ Categorical(logits = matmul(x, W1))
    y2 ~ Categorical(logits = matmul(x, W2) + A[y1])
  }

  generative {
    y1 ~ Categorical(logits = p1)
    y2 ~ Categorical(logits = Bp[y1])
    x ~ Normal(means[y1] + offsets[y2], 1)
  }

  maximize elbo
}
`;
  const blocks2Elbo64 = (p: Params, rows: readonly number[][]) => {
    const lp1 = logSoftmax(p.p1);
    const per = rows.map((x) => {
      const lq1 = logSoftmax(Array.from({ length: K }, (_, k) => x[0] * p.W1[k] + x[1] * p.W1[K + k]));
      let e = 0;
      for (let k = 0; k < K; k++) {
        const lq2 = logSoftmax([0, 1].map((j) => x[0] * p.W2[j] + x[1] * p.W2[2 + j] + p.A[2 * k + j]));
        const lp2 = logSoftmax([p.Bp[2 * k], p.Bp[2 * k + 1]]);
        for (let j = 0; j < 2; j++) {
          const ll = x.reduce((s, xd, d) => s + logNormal(xd, p.means[k * D + d] + p.offsets[j * D + d], 1), 0);
          const w = Math.exp(lq1[k] + lq2[j]);
          e += w === 0 ? 0 : w * (ll + lp1[k] + lp2[j] - lq1[k] - lq2[j]);
        }
      }
      return e;
    });
    return per.reduce((a, b) => a + b, 0) / rows.length;
  };

  it('blocks model: q(y2 | x, y1) after y1, both summed out jointly (3 × 2), exact ELBO', async () => {
    const r = compileSource('blocks2.sgm', BLOCKS2, { sgmVersion: SGM_VERSION });
    expect(r.plans[0].estimators.map((e) => [e.node, e.estimator, e.enumeration?.mode])).toEqual([
      ['y1', 'enumerate', 'tiled'],
      ['y2', 'enumerate', 'tiled'],
    ]);
    const p: Params = { W1: [0.5, -1, 0.3, 1.2, 0.1, -0.4], W2: [0.7, -0.2, 0.3, 0.9], A: [1, -1, 0.2, 0.4, -2, 0.5], p1: [0.1, 0.4, -0.3], Bp: [0.3, -0.3, 1, 0, -1, 0.5], means: [-1, 0.5, 1.2, -0.3, 0.4, 1.1], offsets: [0.5, -0.5, -1, 0.8] };
    await expectMatches(await loadGenerated(BLOCKS2, 'blocks2'), p, ROWS, (q) => blocks2Elbo64(q, ROWS));
    // Large logits: q(y1 | x) one-hot in float32 (weights e^-200 underflow to 0 and contribute 0).
    const big = { ...p, W1: p.W1.map((v) => 80 * v) };
    await expectMatches(await loadGenerated(BLOCKS2, 'blocks2_big'), big, ROWS, (q) => blocks2Elbo64(q, ROWS));
  });

  it('the enumeration limit is an option: past it, SGM5007 on an explicit enumerate, a fallback otherwise', () => {
    const explicit = BLOCKS2.replace('+ A[y1])', '+ A[y1]) with enumerate');
    const refused = compileSource('blocks2.sgm', explicit, { sgmVersion: SGM_VERSION, enumerationLimit: 4 });
    const d = refused.diagnostics.find((x) => x.code === 'SGM5007');
    expect(d?.message).toBe("cannot enumerate 'y2': the 3 × 2 = 6 joint configurations per data point exceed the enumeration limit 4");
    expect(d?.related.map((x) => x.message)).toEqual(["'y1' is enumerated with 3 values"]);
    expect(compileSource('blocks2.sgm', explicit, { sgmVersion: SGM_VERSION, enumerationLimit: 6 }).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    const auto = compileSource('blocks2.sgm', BLOCKS2, { sgmVersion: SGM_VERSION, enumerationLimit: 4 });
    expect(auto.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(auto.plans[0].estimators.find((e) => e.node === 'y2')?.estimator).toBe('reinforce');
  });
});
