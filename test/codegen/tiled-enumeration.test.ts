// Issue 16 item 4: a guide latent that later guide statements read (the M2 guide of Kingma et al. 2014, arXiv
// 1406.5298: y enumerated, then z ~ q(z | x, y)), summed out by one evaluation on the batch tiled K-fold. Values and
// gradients against a float64 ELBO written here (y summed by hand, z's expectations in closed form), incl. large logits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-tiled-'));

beforeAll(async () => {
  await initBackend('wasm');
});

// q(y | x) = Cat(softmax(x Wy)); q(z | x, y) = N(y A + x C, exp(y S)); p(y) = Cat(softmax(py)); p(z) = N(0, 1);
// p(x | y, z) = N(z W + y M, 1). Linear-Gaussian in z: E_q[log p(x | y, z)] and KL(q(z) || p(z)) are closed forms.
const M2_TINY = `model m2_tiny(K = 3, D = 2, Z = 2) {
  data x: [B, D]
  param Wy: [D, K] = randn(1)
  param A: [K, Z] = randn(1)
  param C: [D, Z] = randn(1)
  param S: [K, Z] = -12
  param py: [K] = randn(1)
  param W: [Z, D] = randn(1)
  param M: [K, D] = randn(1)

  guide {
    y ~ OneHotCategorical(logits = matmul(x, Wy))
    z ~ Normal(matmul(y, A) + matmul(x, C), exp(matmul(y, S)))
  }

  generative {
    y ~ OneHotCategorical(logits = py)
    z ~ Normal(zeros(Z), 1)
    x ~ Normal(matmul(z, W) + matmul(y, M), 1)
  }

  maximize elbo
}
`;

type Params = Record<'Wy' | 'A' | 'C' | 'S' | 'py' | 'W' | 'M', number[][]>;
const K = 3;
const D = 2;
const Z = 2;

function logSoftmax(v: readonly number[]): number[] {
  const m = Math.max(...v);
  const lse = m + Math.log(v.reduce((s, a) => s + Math.exp(a - m), 0));
  return v.map((a) => a - lse);
}

/** The mean ELBO over rows, float64: Σ_k q(k | x) [E_q log p(x | k, z) − KL(q(z | x, k) || N(0, 1)) + log p(k) − log q(k | x)]. */
function elbo64(p: Params, rows: readonly number[][]): number {
  const logPrior = logSoftmax(p.py[0]);
  let total = 0;
  for (const x of rows) {
    const logits = Array.from({ length: K }, (_, k) => x.reduce((s, xd, d) => s + xd * p.Wy[d][k], 0));
    const logq = logSoftmax(logits);
    let e = 0;
    for (let k = 0; k < K; k++) {
      const mu = Array.from({ length: Z }, (_, j) => p.A[k][j] + x.reduce((s, xd, d) => s + xd * p.C[d][j], 0));
      const sigma = Array.from({ length: Z }, (_, j) => Math.exp(p.S[k][j]));
      const kl = mu.reduce((s, m, j) => s - Math.log(sigma[j]) + (sigma[j] ** 2 + m ** 2) / 2 - 0.5, 0);
      let ll = 0;
      for (let d = 0; d < D; d++) {
        const mean = mu.reduce((s, m, j) => s + m * p.W[j][d], 0) + p.M[k][d];
        const spread = sigma.reduce((s, sg, j) => s + sg ** 2 * p.W[j][d] ** 2, 0);
        ll += -0.5 * Math.log(2 * Math.PI) - 0.5 * ((x[d] - mean) ** 2 + spread);
      }
      const qk = Math.exp(logq[k]);
      e += qk === 0 ? 0 : qk * (ll - kl + logPrior[k] - logq[k]);
    }
    total += e;
  }
  return total / rows.length;
}

function randomParams(seed: number, logitScale: number): Params {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const mat = (r: number, c: number, scale = 1) => Array.from({ length: r }, () => Array.from({ length: c }, () => scale * u()));
  return { Wy: mat(D, K, logitScale), A: mat(K, Z), C: mat(D, Z), S: mat(K, Z, 0).map((r) => r.map(() => -12)), py: mat(1, K, 2), W: mat(Z, D), M: mat(K, D, 2) };
}

const ROWS = [
  [0.3, -1.2],
  [1.5, 0.4],
  [-0.7, 0.9],
  [2.0, -2.0],
];

function setParams(model: ModelInstance, p: Params): void {
  for (const [name, v] of Object.entries(p)) {
    const variable = model.variables.get(name)!;
    variable.assign(tf.tensor(name === 'py' ? v[0] : v, variable.shape));
  }
}

function value(model: ModelInstance): number {
  return tf.tidy(() => model.objective({ x: tf.tensor2d(ROWS) }, { step: 0, rng: new RandomStream(5) }).value.dataSync()[0]);
}

describe('enumerating a guide latent that later guide statements read (M2 guide)', () => {
  it('chooses a tiled enumeration automatically (formerly SGM5003 / a fallback to REINFORCE), with no loop over values', () => {
    const r = compileSource('m2_tiny.sgm', M2_TINY, { sgmVersion: SGM_VERSION });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.code).toContain('tileBatch(batch, 3');
    const objective = r.code!.slice(r.code!.indexOf('objective(batch'), r.code!.indexOf('trace(batch'));
    expect(objective).not.toMatch(/\bfor \(/);
    const explicit = compileSource('m2_tiny.sgm', M2_TINY.replace('matmul(x, Wy))', 'matmul(x, Wy)) with enumerate'), { sgmVersion: SGM_VERSION });
    expect(explicit.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  for (const [label, scale] of [
    ['moderate logits', 1],
    ['large logits (|x Wy| up to ~250: q(y | x) one-hot in float32)', 120],
  ] as const) {
    it(`value and gradients match the float64 ELBO, ${label}`, async () => {
      const module = await loadGenerated(M2_TINY, `m2_tiny_${scale}`);
      expect(module.metadata.nodes.find((n) => n.name === 'y')?.estimator).toBe('enumerate');
      const model = await module.create({ seed: 3, cacheDir });
      const p = randomParams(17, scale);
      setParams(model, p);
      const ref = elbo64(p, ROWS);
      // z's noise has σ = exp(−12): the sampled ELBO equals the closed form to ~1e-5.
      expect(Math.abs(value(model) - ref)).toBeLessThan(2e-4 * Math.max(1, Math.abs(ref)));
      // Gradients: tf's (exact sum over y, pathwise in z) against central differences of the float64 reference.
      const names = ['Wy', 'py', 'M', 'A'] as const;
      const vars = names.map((n) => model.variables.get(n)!);
      const grads = tf.tidy(() => {
        const { grads: g } = tf.variableGrads(() => model.objective({ x: tf.tensor2d(ROWS) }, { step: 0, rng: new RandomStream(5) }).value, vars);
        return vars.map((v) => Array.from(g[v.name].dataSync()));
      });
      names.forEach((n, vi) => {
        const flat = p[n].flat();
        flat.forEach((_, i) => {
          const h = 1e-5;
          const shifted = (delta: number) => {
            const q = structuredClone(p);
            const row = n === 'py' ? 0 : Math.floor(i / p[n][0].length);
            const col = n === 'py' ? i : i % p[n][0].length;
            q[n][row][col] += delta;
            return elbo64(q, ROWS);
          };
          const fd = (shifted(h) - shifted(-h)) / (2 * h);
          expect(Math.abs(grads[vi][i] - fd), `${n}[${i}]: tf ${grads[vi][i]}, finite difference ${fd}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
        });
      });
      expect(grads.flat().every(Number.isFinite)).toBe(true);
      model.dispose();
    }, 60_000);
  }
});

describe('a tiled enumeration next to a score-function latent', () => {
  // e is tiled (h's q reads it); h takes the score function, one draw per copy, credited with its row's weighted
  // signal. Exact ELBO: Σ_e Σ_h q(e|x) q(h|x,e) [log p(x|e,h) + log p(e) p(h) − log q(e|x) q(h|x,e)].
  const SOURCE = `model tiled_sf(K = 2, D = 2) {
  data x: [B, D]
  param means: [K, D] = 0
  param shift: [D] = 0
  guide {
    e ~ Categorical(logits = dense(x, [K]))
    h ~ Bernoulli(logits = dense(concat(x, one_hot(e, K), axis = -1), [1])) with reinforce(baseline = ema(0.9))
  }
  generative {
    e ~ Categorical(logits = zeros([K]))
    h ~ Bernoulli(logits = zeros([1]))
    x ~ Normal(means[e] + h * shift, 1)
  }
  maximize elbo
}
`;
  const X = [
    [0.5, 1.0],
    [-1.2, 0.3],
    [1.5, 1.9],
  ];
  const logSigmoid = (a: number) => (a >= 0 ? -Math.log1p(Math.exp(-a)) : a - Math.log1p(Math.exp(a)));
  const exactLoss = (p: Record<string, number[]>): number => {
    let total = 0;
    for (const x of X) {
      const el = [0, 1].map((k) => p['e.logits/b'][k] + x[0] * p['e.logits/W'][k] + x[1] * p['e.logits/W'][2 + k]);
      const lse = Math.log(Math.exp(el[0]) + Math.exp(el[1]));
      for (let e = 0; e < 2; e++) {
        const input = [x[0], x[1], e === 0 ? 1 : 0, e === 1 ? 1 : 0];
        const hl = p['h.logits/b'][0] + input.reduce((s, v, i) => s + v * p['h.logits/W'][i], 0);
        for (let h = 0; h < 2; h++) {
          const logq = el[e] - lse + (h === 1 ? logSigmoid(hl) : logSigmoid(-hl));
          const logLik = x.reduce((s, xi, d) => s - 0.5 * (xi - (p.means[e * 2 + d] + h * p.shift[d])) ** 2 - 0.5 * Math.log(2 * Math.PI), 0);
          total += Math.exp(logq) * (logLik + 2 * Math.log(0.5) - logq);
        }
      }
    }
    return -total / X.length;
  };

  it('is generated (h: reinforce, e: tiled) and its gradient is unbiased against float64 enumeration of both', async () => {
    const module = await loadGenerated(SOURCE, 'tiled_sf');
    expect(module.metadata.nodes.find((n) => n.name === 'e')?.estimator).toBe('enumerate');
    expect(module.metadata.nodes.find((n) => n.name === 'h')?.estimator).toBe('reinforce');
    const model = await module.create({ seed: 4, cacheDir });
    const v = (name: string) => model.variables.get(name)!;
    v('means').assign(tf.tensor2d([[-1, 0.5], [1, -0.5]]));
    v('shift').assign(tf.tensor1d([0.8, 1.2]));
    v('h.logits/b').assign(tf.tensor1d([0.3]));
    v('h.logits/W').assign(tf.tensor2d([[0.4], [-0.3], [0.9], [-0.6]]));
    v('e.logits/b').assign(tf.tensor1d([0.2, -0.1]));
    const names = ['e.logits/W', 'e.logits/b', 'h.logits/W', 'h.logits/b'];
    const params = Object.fromEntries([...names, 'means', 'shift'].map((n) => [n, Array.from(v(n).dataSync())]));
    const reference = names.map((n) =>
      params[n].map((_, i) => {
        const eps = 1e-5;
        const at = (d: number) => exactLoss({ ...params, [n]: params[n].map((x, j) => (j === i ? x + d : x)) });
        return (at(eps) - at(-eps)) / (2 * eps);
      }),
    );
    const batch = { x: tf.tensor2d(X) };
    const vars = names.map(v);
    const draws: number[][][] = [];
    const values: number[] = [];
    for (let s = 0; s < 800; s++) {
      draws.push(
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const o = model.objective(batch, { step: s, rng: new RandomStream(7000 + s) });
            values.push(o.value.dataSync()[0]);
            return o.loss;
          }, vars);
          return vars.map((x) => Array.from(grads[x.name].dataSync()));
        }),
      );
      model.afterStep?.();
    }
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: readonly number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));
    expect(Math.abs(-mean(values) - exactLoss(params))).toBeLessThan((4 * sd(values)) / Math.sqrt(values.length) + 1e-4);
    reference.forEach((ref, vi) =>
      ref.forEach((r, i) => {
        const g = draws.map((d) => d[vi][i]);
        const se = sd(g) / Math.sqrt(g.length);
        expect(Math.abs(mean(g) - r), `${names[vi]}[${i}]: mean ${mean(g)}, reference ${r}, se ${se}`).toBeLessThanOrEqual(4 * se + 1e-4);
      }),
    );
    batch.x.dispose();
    model.dispose();
  }, 120_000);
});
