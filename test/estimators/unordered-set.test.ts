// The unordered set estimator (Kool, van Hoof, Welling 2020, arXiv:2002.06043; runtime/estimators/unordered-set.ts,
// compiler/estimators/unordered-set.ts). References written here in float64, independent of the integral:
// p(S) of an unordered set as the sum over its orderings of the sequential draw probabilities, and the exact
// gradient of E[f] for a categorical, p_j (f_j − Σ p f), by closed form. The generated code is measured end to end
// by `sgm compare`'s machinery against enumeration.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { compareEstimators } from '../../runtime/compare/compare.js';
import { stochasticBeamSearch } from '../../runtime/estimators/stochastic-beam.js';
import { drawUnorderedSet, leaveOneOutRatios, unorderedSetSample, unorderedSetSurrogate } from '../../runtime/estimators/unordered-set.js';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { configurations, gradientStats, logQ, sigmoid } from './exact64.js';
import { loadGenerated, loadModelFile } from '../codegen/load-generated.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** log-softmax in float64. */
function logSoftmax64(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const z = Math.log(logits.reduce((a, l) => a + Math.exp(l - m), 0)) + m;
  return logits.map((l) => l - z);
}

/** Every ordering of a list. */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((r) => [x, ...r]));
}

/**
 * log p^{D'}(S) in float64: Σ over orderings of Π_i p_{σ_i} / (mass not yet drawn), on the domain D' = D minus
 * `removed` (probabilities renormalised). The remaining mass is summed from the cells left (never 1 − Σ), so
 * logits of ±20 lose nothing.
 */
function logPSet64(logp: readonly number[], set: readonly number[], removed: readonly number[] = []): number {
  const p = logp.map(Math.exp);
  const domain = p.map((_, j) => j).filter((j) => !removed.includes(j));
  let total = 0;
  for (const order of permutations(set)) {
    let prob = 1;
    const left = new Set(domain);
    for (const s of order) {
      const mass = [...left].reduce((a, j) => a + p[j], 0);
      prob *= p[s] / mass;
      left.delete(s);
    }
    total += prob;
  }
  return Math.log(total);
}

describe('the leave-one-out ratios by numerical integration', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['moderate logits, k = 3 of 5', [0.3, -1.2, 0.8, 2.0, -0.5], [3, 0, 4]],
    ['logits of ±20, k = 2 of 4', [20, -20, 0, -20], [0, 2]],
    ['logits of ±20, k = 3 of 5, the set holding the small ones', [20, -20, 5, -20, 20], [1, 3, 2]],
    ['k = K: every ratio 1', [1.5, -0.3, 0.2], [2, 0, 1]],
  ];
  it.each(cases)('%s: R(S, s) and R^{D\\s}(S, s\') match the sums over orderings', (_, logits, set) => {
    const logp = logSoftmax64(logits);
    const k = set.length;
    const rest = logp.map((_, j) => j).filter((j) => !set.includes(j));
    const logRest = rest.length === 0 ? -Infinity : Math.log(rest.reduce((a, j) => a + Math.exp(logp[j]), 0));
    const { logR1, logR2 } = leaveOneOutRatios(tf.tensor2d([set.map((s) => logp[s])]), tf.tensor1d([logRest]));
    const r1 = (logR1.arraySync() as number[][])[0];
    const r2 = (logR2.arraySync() as number[][][])[0];
    const logPS = logPSet64(logp, set);
    for (let i = 0; i < k; i++) {
      const s = set[i];
      const without = set.filter((x) => x !== s);
      const logPSs = without.length === 0 ? 0 : logPSet64(logp, without, [s]);
      expect(Math.abs(r1[i] - (logPSs - logPS))).toBeLessThan(2e-5);
      for (let j = 0; j < k; j++) {
        if (j === i) {
          expect(r2[i][j]).toBe(0);
          continue;
        }
        const both = without.filter((x) => x !== set[j]);
        const logPSss = both.length === 0 ? 0 : logPSet64(logp, both, [s, set[j]]);
        expect(Math.abs(r2[i][j] - (logPSss - logPSs))).toBeLessThan(2e-5);
      }
    }
  });
});

/** Per-draw estimates of d E[f] / d logits from n sets of size k (f(j) given per cell). */
function estimates(logits: readonly number[], f: readonly number[], k: number, n: number, seed: number): number[][] {
  const rng = new RandomStream(seed);
  const K = logits.length;
  return tf.tidy(() => {
    const tiled = tf.tile(tf.tensor2d([logits as number[]]), [n, 1]);
    const fTable = tf.tensor1d(f as number[]);
    const grad = tf.grad((l: tf.Tensor) => {
      const set = unorderedSetSample(tf.logSoftmax(l, -1), k, rng);
      const signals = tf.sum(tf.mul(tf.cast(tf.oneHot(set.indices, K), 'float32'), fTable), 2); // [n, k]: f of each member
      return unorderedSetSurrogate(set.logp, set.logRest, signals).loss;
    })(tiled);
    expect(K).toBe(grad.shape[1]);
    return tf.mul(grad, n).arraySync() as number[][];
  });
}

/** d/dlogits Σ_j softmax(l)_j f_j = p_j (f_j − Σ p f), float64. */
function exactGradient64(logits: readonly number[], f: readonly number[]): number[] {
  const p = logSoftmax64(logits).map(Math.exp);
  const mean = p.reduce((a, pj, j) => a + pj * f[j], 0);
  return p.map((pj, j) => pj * (f[j] - mean));
}

describe('the unordered set estimator of a categorical is unbiased', () => {
  const F = [1.3, -0.4, 2.2, 0.1, -1.7];
  const settings: Array<[string, number[], number]> = [
    ['moderate logits, k = 2', [0.3, -1.2, 0.8, 2.0, -0.5], 2],
    ['moderate logits, k = 3', [0.3, -1.2, 0.8, 2.0, -0.5], 3],
    // Sets that vary: the second member is cell 2 or 3 (k = 2); cells 0 and 4 always, then 2 or 3 (k = 3).
    ['logits of ±20, k = 2', [20, -20, 0, 0.5, -20], 2],
    ['logits of ±20, k = 3', [20, -20, 0, 0.5, 20], 3],
  ];
  it.each(settings)('%s: the mean of 4,000 draws within 4 standard errors of the exact gradient', (_, logits, k) => {
    const rows = estimates(logits, F, k, 4000, 11);
    const stats = gradientStats(rows);
    const exact = exactGradient64(logits, F);
    for (let j = 0; j < exact.length; j++) {
      // A coordinate of probability e^-40 has exact gradient ~1e-17 and draws of exactly that size (or 0): a
      // float32 floor of 1e-6 stands in for its zero standard error.
      expect(Math.abs(stats.mean[j] - exact[j])).toBeLessThan(4 * stats.se[j] + 1e-6);
    }
  });

  it.each([
    ['moderate logits', [0.3, -1.2, 0.8, 2.0, -0.5]],
    ['logits of ±20', [20, -20, 0, 3, -20]],
  ])('%s, k = K: every draw is the exact gradient (up to float32 rounding)', (_, logits) => {
    const rows = estimates(logits, F, 5, 50, 5);
    const exact = exactGradient64(logits, F);
    for (const r of rows) r.forEach((g, j) => expect(Math.abs(g - exact[j])).toBeLessThan(2e-5));
  });

  it('has less variance than REINFORCE with a leave-one-out baseline over the same number of draws', () => {
    const logits = [0.3, -1.2, 0.8, 2.0, -0.5];
    const us = gradientStats(estimates(logits, F, 3, 4000, 3)).totalVariance;
    // Three independent draws with the leave-one-out baseline (Kool et al. 2019), the same budget of f evaluations.
    const rng = new RandomStream(4);
    const rows = tf.tidy(() => {
      const n = 4000;
      const tiled = tf.tile(tf.tensor2d([logits]), [n, 1]);
      const g = tf.grad((l: tf.Tensor) => {
        const lp = tf.logSoftmax(l, -1);
        const fixed = tf.logSoftmax(tf.tile(tf.tensor2d([logits]), [n, 1]), -1); // the same p, off the tape
        const draws = tf.stack([0, 1, 2].map(() => tf.argMax(tf.add(fixed, rng.gumbel(fixed.shape)), -1)), 1); // [n, 3]
        const picks = tf.cast(tf.oneHot(draws, 5), 'float32'); // [n, 3, 5]
        const f = tf.sum(tf.mul(picks, tf.tensor1d(F)), 2);
        const logq = tf.sum(tf.mul(tf.expandDims(lp, 1), picks), 2);
        const adv = tf.mul(tf.sub(f, tf.div(tf.sub(tf.sum(f, 1, true), f), 2)), 1 / 3);
        return tf.mean(tf.sum(tf.mul(adv, logq), 1)) as tf.Scalar;
      })(tiled);
      return tf.mul(g, n).arraySync() as number[][];
    });
    const loo = gradientStats(rows).totalVariance;
    expect(us).toBeLessThan(loo);
  });
});

describe('stochastic beam search over independent Bernoulli units (priority 2: factorized vector latents)', () => {
  const PHI = [0.5, -1, 2];
  const configs = configurations(3);
  const logpConfigs = configs.map((z) => logQ(z, PHI));

  it('draws each unordered set of 3 of the 8 configurations with its probability p(S)', () => {
    const n = 6000;
    const counts = new Map<string, number>();
    tf.tidy(() => {
      const table = tf.tile(tf.tensor3d([PHI.map((a) => [Math.log(1 - sigmoid(a)), Math.log(sigmoid(a))])]), [n, 1, 1]);
      const set = stochasticBeamSearch(table, 3, new RandomStream(21));
      const values = set.values.arraySync() as number[][][];
      const logp = set.logp.arraySync() as number[][];
      for (let r = 0; r < n; r++) {
        const ids = values[r].map((z) => z[0] * 4 + z[1] * 2 + z[2]);
        expect(new Set(ids).size).toBe(3); // without replacement
        ids.forEach((id, i) => expect(Math.abs(logp[r][i] - logpConfigs[id])).toBeLessThan(1e-5));
        const key = [...ids].sort((a, b) => a - b).join(',');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    });
    let total = 0;
    for (let a = 0; a < 8; a++)
      for (let b = a + 1; b < 8; b++)
        for (let c = b + 1; c < 8; c++) {
          const p = Math.exp(logPSet64(logpConfigs, [a, b, c]));
          total += p;
          const freq = (counts.get(`${a},${b},${c}`) ?? 0) / n;
          expect(Math.abs(freq - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-4);
        }
    expect(total).toBeCloseTo(1, 10);
  });

  it('gives an unbiased unordered set estimate of d E[f] / d logits for k = 2 and 4', () => {
    const F = configs.map((z) => (1.5 * z[0] - z[1] + 2 * z[2] - 1) ** 2);
    // d/dφ_i Σ_z q(z) f(z) = Σ_z q(z) f(z) (z_i − σ(φ_i)), float64.
    const exact = PHI.map((a, i) => configs.reduce((acc, z, c) => acc + Math.exp(logpConfigs[c]) * F[c] * (z[i] - sigmoid(a)), 0));
    for (const k of [2, 4]) {
      const n = 3000;
      const rng = new RandomStream(30 + k);
      const rows = tf.tidy(() => {
        const fTable = tf.tensor1d(F);
        const g = tf.grad((phi: tf.Tensor) => {
          const q = new Bernoulli({ logits: phi });
          const set = drawUnorderedSet(tf.zeros([n, 3]), 2, false, 3, (v) => q.logProb(v), k, rng);
          const members = Array.from({ length: k }, (_, i) => set.member(i)); // [n, 3] each
          const ids = members.map((m) => tf.sum(tf.mul(m, tf.tensor1d([4, 2, 1])), 1));
          const signals = tf.stack(ids.map((id) => tf.sum(tf.mul(tf.cast(tf.oneHot(tf.cast(id, 'int32'), 8), 'float32'), fTable), 1)), 1);
          return unorderedSetSurrogate(set.logp, set.logRest, signals).loss;
        })(tf.tile(tf.tensor2d([PHI]), [n, 1]));
        return tf.mul(g, n).arraySync() as number[][];
      });
      const stats = gradientStats(rows);
      exact.forEach((e, i) => expect(Math.abs(stats.mean[i] - e)).toBeLessThan(4 * stats.se[i]));
    }
  });
});

const TINY = (logits: string, clause: string) => `model tiny() {
  param logits: [5] = ${logits}
  c ~ Categorical(logits = logits) with ${clause}
  minimize (c - 1.7)^2 + c
}
`;

describe('the generated unordered_set, measured by sgm compare against enumeration', () => {
  it.each([
    ['[0.3, -1.2, 0.8, 2.0, -0.5]', 2],
    ['[20, -20, 0, 0.5, -20]', 2],
  ])('logits %s, k = %i: unbiased; k = K: zero variance and zero bias', async (logits, k) => {
    const source = TINY(logits, 'reinforce');
    const r = await compareEstimators({ source, path: 'tiny.sgm', draws: 300, batchSize: 1, seed: 3, estimators: `unordered_set(samples=${k}),unordered_set(samples=5)` });
    const n = r.nodes[0];
    expect(n.reference).toMatchObject({ estimator: 'enumerate', exact: true });
    const row = (label: string) => n.rows.find((x) => x.estimator === label)!;
    const some = row(`unordered_set(samples=${k})`);
    expect(some.variance.value).toBeGreaterThan(0); // the second member varies
    n.reference.gradient.forEach((g, j) => expect(Math.abs(some.mean[j] - g)).toBeLessThan(4 * some.meanStderr[j] + 1e-6));
    const all = row('unordered_set(samples=5)');
    expect(all.variance.value).toBeLessThan(1e-9);
    n.reference.gradient.forEach((g, j) => expect(Math.abs(all.mean[j] - g)).toBeLessThan(1e-4 * (1 + Math.abs(g))));
  }, 120_000);
});

describe('where unordered_set applies', () => {
  const sbn = (clause: string, h = 'H') => `model m(H = 3) {
  data x: [B, 4]
  guide {
    z ~ Bernoulli(logits = dense(x, [${h}])) with ${clause}
  }
  generative {
    z ~ Bernoulli(logits = zeros(${h}))
    x ~ Bernoulli(logits = dense(z, [4]))
  }
  maximize elbo
}`;
  const codes = (src: string) => checkSource('m.sgm', src).diagnostics.map((d) => `${d.code} ${d.message}`);

  it('draws a vector of independent units by stochastic beam search, at most K^U configurations', () => {
    const d = checkSource('m.sgm', sbn('unordered_set(samples = 8)')).plans[0].estimators[0];
    expect(d).toMatchObject({ estimator: 'unordered_set', options: { samples: 8, cells: 2, units: 3 } });
    expect(d.reason).toContain('stochastic beam search');
    expect(codes(sbn('unordered_set(samples = 9)')).join()).toMatch(/SGM5001.*2 <= samples <= 8/);
    // Each value is one model pass written out in the generated step: at most 64 (2^40 configurations allow more).
    expect(checkSource('m.sgm', sbn('unordered_set(samples = 64)', '40')).ok).toBe(true);
    expect(codes(sbn('unordered_set(samples = 5000)', '40')).join()).toMatch(/SGM5001.*evaluates the model 5000 times per step; at most 64/);
  });

  it('accepts a single Bernoulli unit (2 values) and refuses k outside 2..K', () => {
    expect(checkSource('m.sgm', sbn('unordered_set(samples = 2)', '1')).ok).toBe(true);
    expect(codes(sbn('unordered_set(samples = 3)', '1')).join()).toMatch(/SGM5001.*2 <= samples <= 2/);
    expect(codes(TINY('0', 'unordered_set(samples = 1)')).join()).toMatch(/SGM5001/);
    expect(checkSource('t.sgm', TINY('0', 'unordered_set')).plans[0].estimators[0]).toMatchObject({ estimator: 'unordered_set', options: { samples: 4, cells: 5 } });
  });

  it('refuses families without a finite set of values, and iwae', () => {
    expect(codes(TINY('0', 'reinforce').replace('Categorical(logits = logits) with reinforce', 'Poisson(rate = 3.0) with unordered_set')).join()).toMatch(/SGM5001/);
    expect(codes(sbn('unordered_set(samples = 2)').replace('maximize elbo', 'maximize iwae(samples = 3)')).join()).toMatch(/SGM5001 under maximize iwae a discrete latent takes vimco/);
  });
});

describe('models/sbn_unordered_set.sgm trains (20-20 units, 10 steps; 200-200 for 2,000 steps in the issue report)', () => {
  it('without NaN, the ELBO improving', async () => {
    const module = await loadModelFile('models/sbn_unordered_set.sgm', { H1: 20, H2: 20 });
    const model = await module.create({ seed: 0, cacheDir: mkdtempSync(join(tmpdir(), 'sgm-us-')) });
    const data = { train: bindModelData(module.metadata, loadDataset('mnist-binarized?classes=0,1')) };
    const before = tf.memory().numTensors;
    const values: number[] = [];
    const summary = await train(model, data, { steps: 12, batchSize: 20, seed: 1, learningRate: 3e-3, progress: false, onStep: (r) => void values.push(r.value) });
    expect(summary.status, summary.message).toBe('completed');
    expect(values.every(Number.isFinite)).toBe(true);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(values.slice(-4))).toBeGreaterThan(mean(values.slice(0, 4)));
    model.dispose();
    // The sets, beams and extra evaluations leave nothing behind but what the model owned (disposed above).
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  }, 180_000);
});

describe('a categorical VAE with unordered_set trains', () => {
  it('30 steps without NaN, the ELBO improving', async () => {
    const src = `model catvae(K = 6) {
  data x: [B, 784]
  guide {
    z ~ OneHotCategorical(logits = dense(x, [K])) with unordered_set(samples = 3)
  }
  generative {
    z ~ OneHotCategorical(logits = zeros(K))
    x ~ Bernoulli(logits = dense(z, [784]))
  }
  maximize elbo
}`;
    const module = await loadGenerated(src, 'catvae_us');
    const model = await module.create({ seed: 0, cacheDir: mkdtempSync(join(tmpdir(), 'sgm-us-')) });
    const data = { train: bindModelData(module.metadata, loadDataset('mnist-binarized?classes=0,1')) };
    const values: number[] = [];
    const summary = await train(model, data, { steps: 30, batchSize: 50, seed: 1, learningRate: 3e-3, progress: false, onStep: (r) => void values.push(r.value) });
    expect(summary.status, summary.message).toBe('completed');
    expect(values.every(Number.isFinite)).toBe(true);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(values.slice(-5))).toBeGreaterThan(mean(values.slice(0, 5)));
    model.dispose();
  }, 120_000);
});
