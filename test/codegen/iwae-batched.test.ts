// Issue 16 item 5: `maximize iwae(samples = k)` draws its k samples in one pass over the batch tiled to [k·B, ...]
// (compiler/codegen/emit-iwae.ts) when the plan allows it, else in a loop of k passes. Checked here against
// float64 code written in the test: the bound from the SAME draws (re-drawn from the same random stream through
// the model's `guide`), including log weights near -1000 nats (float32-safe log-sum-exp); the loop form for a
// latent without batch axis; and VIMCO's gradient on a two-layer belief net against exact enumeration of the
// 3-sample bound (within 4 standard errors).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { initBackend } from '../../runtime/backend/index.js';
import { tileBatch } from '../../runtime/estimators/tiled-enumeration.js';
import { splitSamples } from '../../runtime/ops/samples.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { configurations, logBernoulli } from '../estimators/exact64.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-iwae-batched-'));

beforeAll(async () => {
  await initBackend('wasm');
});

const X = [
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [0, 0, 1],
];

/** A two-layer belief net (h1, h2 of 2 units, x of 3 pixels) under iwae(samples = K). */
const TWO_LAYER = (k: number) => `
  model tiny2(H = 2, D = 3) {
    data x: [B, D]
    param prior_logits: [H] = 0.3
    guide {
      h1 ~ Bernoulli(logits = dense(x, [H])) with vimco
      h2 ~ Bernoulli(logits = dense(h1, [H])) with vimco
    }
    generative {
      h2 ~ Bernoulli(logits = prior_logits)
      h1 ~ Bernoulli(logits = dense(h2, [H]))
      x ~ Bernoulli(logits = dense(h1, [D]))
    }
    maximize iwae(samples = ${k})
  }`;

/** A latent without batch axis (one w shared by the batch): the k samples must stay a loop. */
const GLOBAL = `
  model global_w(D = 3) {
    data x: [B, D]
    param m: [D] = 0.2
    guide { w ~ Normal(mu = m, sigma = 0.5) }
    generative {
      w ~ Normal(mu = zeros([D]), sigma = 1)
      x ~ Normal(mu = w, sigma = 1)
    }
    maximize iwae(samples = 3)
  }`;

/** A guide that reads the batch mean: data points are mixed, so tiling would change the model. */
const MIXING = `
  model mixing(H = 2, D = 3) {
    data x: [B, D]
    guide { h ~ Bernoulli(logits = dense(x - mean(x, axis = 0), [H])) }
    generative {
      h ~ Bernoulli(logits = zeros([H]))
      x ~ Bernoulli(logits = dense(h, [D]))
    }
    maximize iwae(samples = 3)
  }`;

type Layer = { W: number[]; b: number[]; rows: number; cols: number };
type Params = { q1: Layer; q2: Layer; p1: Layer; px: Layer; prior: number[] };

/** logits of a dense layer at input v (W row-major [rows, cols]), float64. */
const denseAt = (l: Layer, v: readonly number[]) => Array.from({ length: l.cols }, (_, j) => l.b[j] + v.reduce((s, vi, i) => s + vi * l.W[i * l.cols + j], 0));
const sumLogBernoulli = (v: readonly number[], logits: readonly number[]) => v.reduce((s, vi, i) => s + logBernoulli(vi, logits[i]), 0);

/** log p(x, h1, h2) and log q(h1, h2 | x) of one data point, float64. */
function logs(p: Params, x: readonly number[], h1: readonly number[], h2: readonly number[]): { logp: number; logq: number } {
  const logq = sumLogBernoulli(h1, denseAt(p.q1, x)) + sumLogBernoulli(h2, denseAt(p.q2, h1));
  const logp = sumLogBernoulli(h2, p.prior) + sumLogBernoulli(h1, denseAt(p.p1, h2)) + sumLogBernoulli(x, denseAt(p.px, h1));
  return { logp, logq };
}

/** log (1/k) Σ exp(w_i), float64 (max-shifted). */
const logMeanExp = (w: readonly number[]) => {
  const m = Math.max(...w);
  return m + Math.log(w.reduce((a, v) => a + Math.exp(v - m), 0) / w.length);
};

function readParams(vars: ReadonlyMap<string, tf.Variable>): Params {
  const layer = (name: string): Layer => {
    const W = vars.get(`${name}/W`)!;
    return { W: Array.from(W.dataSync()), b: Array.from(vars.get(`${name}/b`)!.dataSync()), rows: W.shape[0]!, cols: W.shape[1]! };
  };
  return { q1: layer('h1.logits'), q2: layer('h2.logits'), p1: layer('h1:prior.logits'), px: layer('x.logits'), prior: Array.from(vars.get('prior_logits')!.dataSync()) };
}

/** −(batch mean of the exact K-sample bound): every K-tuple of the 16 configurations (h1, h2) per data point. */
function exactIwaeLoss(p: Params, k: number): number {
  const hs = configurations(4).map((c) => [c.slice(0, 2), c.slice(2)]);
  let total = 0;
  for (const x of X) {
    const l = hs.map(([h1, h2]) => logs(p, x, h1, h2));
    for (let t = 0; t < hs.length ** k; t++) {
      const idx = Array.from({ length: k }, (_, i) => Math.floor(t / hs.length ** i) % hs.length);
      total += Math.exp(idx.reduce((a, i) => a + l[i].logq, 0)) * logMeanExp(idx.map((i) => l[i].logp - l[i].logq));
    }
  }
  return -total / X.length;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

describe('iwae(samples = k): batched when every variable has the batch axis first', () => {
  it('the plan batches the k samples only where tiling the batch keeps the model', () => {
    const batched = (text: string) => {
      const r = checkSource('t.sgm', text);
      if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
      return r.plans[0].objective.batchedSamples;
    };
    expect(batched(TWO_LAYER(3))).toBe(true);
    expect(batched(GLOBAL)).toBe(false);
    expect(batched(MIXING)).toBe(false);
  });

  it('tileBatch / splitSamples: row i·B + b is sample i of data point b', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const t = tileBatch({ x }, 3, ['x']).x;
    expect(t.shape).toEqual([6, 2]);
    expect(t.arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [1, 2],
      [3, 4],
      [1, 2],
      [3, 4],
    ]);
    expect(splitSamples(tf.tensor1d([0, 1, 2, 3, 4, 5]), 3).arraySync()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it.each([
    ['at initialisation', 0],
    ['with log weights near -1000 nats (float32-safe log-sum-exp)', 1],
  ])('the bound equals a float64 reference from the same draws, %s', async (_label, extreme) => {
    const K = 4;
    const module = await loadGenerated(TWO_LAYER(K), 'tiny2_bound');
    const model = await module.create({ seed: 5, cacheDir });
    // Pixel logits of ±300: every log weight is about -300 to -900 nats, so exp underflows in float32.
    if (extreme) model.variables.get('x.logits/b')!.assign(tf.tensor1d([-300, 300, -300]));
    const p = readParams(model.variables);
    const batch = { x: tf.tensor2d(X) };
    for (const seed of [1, 2, 3]) {
      const value = tf.tidy(() => model.objective(batch, { step: 0, rng: new RandomStream(seed) }).value.dataSync()[0]);
      // The same draws: the objective's first use of the stream is the guide on the tiled batch.
      const draws = tf.tidy(() => {
        const g = model.guide(tileBatch(batch, K, ['x']), { step: 0, rng: new RandomStream(seed) });
        return { h1: g.h1.arraySync() as number[][], h2: g.h2.arraySync() as number[][] };
      });
      const bounds = X.map((x, b) =>
        logMeanExp(
          Array.from({ length: K }, (_, i) => {
            const { logp, logq } = logs(p, x, draws.h1[i * X.length + b], draws.h2[i * X.length + b]);
            return logp - logq;
          }),
        ),
      );
      const reference = mean(bounds);
      if (extreme) expect(reference).toBeLessThan(-250);
      expect(Number.isFinite(value)).toBe(true);
      // float32 sums of a few terms of up to 900 nats: relative error ~1e-6.
      expect(Math.abs(value - reference)).toBeLessThan(1e-5 * Math.max(1, Math.abs(reference)));
    }
    batch.x.dispose();
    model.dispose();
  });

  it('the loop form (a latent without batch axis) equals a float64 reference from the same draws', async () => {
    const module = await loadGenerated(GLOBAL, 'global_w');
    const model = await module.create({ seed: 1, cacheDir });
    const m = Array.from(model.variables.get('m')!.dataSync());
    const batch = { x: tf.tensor2d(X) };
    const logNormal = (v: number, mu: number, s: number) => -0.5 * ((v - mu) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    const value = tf.tidy(() => model.objective(batch, { step: 0, rng: new RandomStream(4) }).value.dataSync()[0]);
    // The loop draws w three times from the stream (the generative model draws nothing given the guide's w).
    const rng = new RandomStream(4);
    const ws = Array.from({ length: 3 }, () => tf.tidy(() => Array.from(model.guide(batch, { step: 0, rng }).w.dataSync())));
    const ratio = (w: readonly number[]) => w.reduce((a, v, d) => a + logNormal(v, 0, 1) - logNormal(v, m[d], 0.5), 0);
    // Each data point's weight: its log-likelihood plus w's whole log-ratio (as the ELBO adds a global KL).
    const reference = mean(X.map((x) => logMeanExp(ws.map((w) => x.reduce((a, v, d) => a + logNormal(v, w[d], 1), 0) + ratio(w)))));
    expect(Math.abs(value - reference)).toBeLessThan(1e-5 * Math.max(1, Math.abs(reference)));
    batch.x.dispose();
    model.dispose();
  });

  it('VIMCO through the batched pass: gradients within 4 standard errors of exact enumeration (two layers, K = 3)', async () => {
    const K = 3;
    const module = await loadGenerated(TWO_LAYER(K), 'tiny2_vimco');
    const model = await module.create({ seed: 3, cacheDir });
    model.variables.get('h1.logits/b')!.assign(tf.tensor1d([0.4, -0.7]));
    model.variables.get('x.logits/b')!.assign(tf.tensor1d([-0.2, 0.5, 0.1]));
    const p = readParams(model.variables);
    const names = ['h1.logits/W', 'h1.logits/b', 'h2.logits/W', 'h2.logits/b'];
    const vars = names.map((n) => model.variables.get(n)!);
    const keys: Array<[keyof Params, 'W' | 'b']> = [
      ['q1', 'W'],
      ['q1', 'b'],
      ['q2', 'W'],
      ['q2', 'b'],
    ];
    const batch = { x: tf.tensor2d(X) };
    const n = 1500;
    const draws: number[][] = [];
    for (let s = 0; s < n; s++) {
      draws.push(
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => model.objective(batch, { step: s, rng: new RandomStream(9000 + s) }).loss, vars);
          return vars.flatMap((v) => Array.from(grads[v.name].dataSync()));
        }),
      );
    }
    let coordinate = 0;
    for (const [layer, part] of keys) {
      for (let i = 0; i < p[layer as 'q1'][part].length; i++, coordinate++) {
        const eps = 1e-5;
        const plus = structuredClone(p);
        const minus = structuredClone(p);
        plus[layer as 'q1'][part][i] += eps;
        minus[layer as 'q1'][part][i] -= eps;
        const exact = (exactIwaeLoss(plus, K) - exactIwaeLoss(minus, K)) / (2 * eps);
        const g = draws.map((d) => d[coordinate]);
        const z = Math.abs(mean(g) - exact) / Math.sqrt(variance(g) / n);
        expect(z, `${layer}.${part}[${i}]: mean ${mean(g)}, exact ${exact}`).toBeLessThanOrEqual(4);
      }
    }
    expect(coordinate).toBe(14); // W1 [3, 2], b1 [2], W2 [2, 2], b2 [2]
    // Measured (1,500 draws): worst |bias| / se 1.54; with the k log q's misaligned to the weights (reversed
    // sample order) the same test measures 40.
    batch.x.dispose();
    model.dispose();
  }, 180_000);
});
