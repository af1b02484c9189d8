// sgm compare's machinery: the statistics, the estimatorOverrides compiler option, and the measurement of a tiny
// categorical model against a float64 enumeration written here.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { applicableEstimators } from '../../compiler/analysis/applicable.js';
import { compareEstimators } from '../../runtime/compare/compare.js';
import { accuracy, summarize } from '../../runtime/compare/gradient-stats.js';
import { parseEstimator } from '../../runtime/compare/specs.js';
import { mulberry32 } from '../mulberry32.js';

// f(c) = (c - 0.7)^2 + c with c ~ Categorical(softmax(logits)), logits initialised to (0.3, -0.2, 0.5).
const TINY = `model tiny() {
  param logits: [3] = [0.3, -0.2, 0.5]
  c ~ Categorical(logits = logits)
  minimize (c - 0.7)^2 + c
}
`;

/** d/dlogits Σ_k softmax(l)_k f(k) = p_k (f_k - Σ_j p_j f_j), in float64. */
function exactGradient64(logits: number[], f: (k: number) => number): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((a, b) => a + b, 0);
  const p = e.map((x) => x / z);
  const mean = p.reduce((a, pk, k) => a + pk * f(k), 0);
  return p.map((pk, k) => pk * (f(k) - mean));
}

describe('gradient statistics', () => {
  it('gives exactly 0 variance for identical draws, whatever the values', () => {
    const g = [0.1, 1 / 3, -7.123456789];
    const s = summarize(Array.from({ length: 37 }, () => g));
    expect(s.trace.value).toBe(0);
    expect(s.trace.stderr).toBe(0);
    expect(s.mean).toEqual(g);
  });

  it('matches the textbook mean, variance and MSE on random draws', () => {
    const rng = mulberry32(7);
    const draws = Array.from({ length: 500 }, () => [rng() * 2, rng() - 0.5]);
    const s = summarize(draws);
    const m0 = draws.reduce((a, d) => a + d[0], 0) / 500;
    const v0 = draws.reduce((a, d) => a + (d[0] - m0) ** 2, 0) / 499;
    expect(s.mean[0]).toBeCloseTo(m0, 12);
    expect(s.variance[0]).toBeCloseTo(v0, 12);
    // Uniform(0, 2) has variance 1/3, Uniform(-.5, .5) 1/12.
    expect(Math.abs(s.trace.value - (1 / 3 + 1 / 12))).toBeLessThan(4 * s.trace.stderr);
    const a = accuracy(draws, s, [1, 0], [0, 0]);
    const mse = draws.reduce((acc, d) => acc + (d[0] - 1) ** 2 + d[1] ** 2, 0) / 500;
    expect(a.mse.value).toBeCloseTo(mse, 12);
    expect(a.maxZ).toBeLessThan(4);
  });

  it('has an rms z near 1 for many unbiased coordinates, and far above it for a biased one', () => {
    const rng = mulberry32(11);
    const k = 400;
    const draws = Array.from({ length: 300 }, () => Array.from({ length: k }, () => rng() - 0.5));
    const s = summarize(draws);
    const zero = new Array<number>(k).fill(0);
    const a = accuracy(draws, s, zero, zero);
    expect(a.rmsZ).toBeGreaterThan(0.85);
    expect(a.rmsZ).toBeLessThan(1.15);
    // The largest of 400 |z| of an unbiased estimator is well above 2: why the table shows rms z.
    expect(a.maxZ).toBeGreaterThan(2);
    expect(accuracy(draws, s, zero.map(() => 0.05), zero).rmsZ).toBeGreaterThan(2.5);
  });
});

describe('the estimatorOverrides compiler option', () => {
  const plan = (o: Map<string, { kind: string; options?: Record<string, number | string> }>) => checkSource('tiny.sgm', TINY, { estimatorOverrides: o });

  it('is honoured like a with clause', () => {
    const r = plan(new Map([['c', { kind: 'reinforce', options: { baseline: 'loo', samples: 4 } }]]));
    expect(r.ok).toBe(true);
    const d = r.plans[0].estimators[0];
    expect(d).toMatchObject({ node: 'c', estimator: 'reinforce', baseline: 'loo', samples: 4, overridden: true });
    expect(d.reason).toContain('estimatorOverrides option');
    const ema = plan(new Map([['c', { kind: 'reinforce', options: { baseline: 'ema', decay: 0.8 } }]])).plans[0].estimators[0];
    expect(ema).toMatchObject({ estimator: 'reinforce', baseline: 'ema', decay: 0.8, samples: 1 });
    // An option replaces a written clause of the same node.
    const written = checkSource('w.sgm', TINY.replace('c ~ Categorical(logits = logits)', 'c ~ Categorical(logits = logits) with reinforce'), { estimatorOverrides: new Map([['c', { kind: 'enumerate' }]]) });
    expect(written.plans[0].estimators[0].estimator).toBe('enumerate');
  });

  it('is refused with the diagnostics of a with clause', () => {
    const r = plan(new Map([['c', { kind: 'pathwise' }]]));
    expect(r.diagnostics.map((d) => d.code)).toContain('SGM5001');
    expect(r.diagnostics.find((d) => d.code === 'SGM5001')?.message).toContain('reparameterized');
    expect(plan(new Map([['c', { kind: 'reinforce', options: { baseline: 'loo' } }]])).diagnostics.map((d) => d.message).join()).toContain('samples >= 2');
    expect(plan(new Map([['c', { kind: 'nonsense' }]])).diagnostics[0].message).toContain("unknown estimator 'nonsense'");
    expect(plan(new Map([['zz', { kind: 'reinforce' }]])).diagnostics[0].message).toContain("'zz': no sampled latent");
    expect(plan(new Map([['c', { kind: 'reinforce', options: { samples: 0 } }]])).ok).toBe(false);
  });

  it('lists the estimators the analysis accepts for a node', () => {
    const model = checkSource('tiny.sgm', TINY).models[0];
    expect(applicableEstimators(model, 'c').map((a) => a.override.kind).sort()).toEqual(['enumerate', 'reinforce']);
  });

  it('reads estimator specs as written on the command line', () => {
    expect(parseEstimator('reinforce(baseline=loo, samples=4)')).toEqual({ kind: 'reinforce', options: { baseline: 'loo', samples: 4 } });
    expect(parseEstimator('enumerate')).toEqual({ kind: 'enumerate' });
  });
});

describe('compareEstimators on a tiny categorical model', () => {
  it('has an exact enumeration reference, enumeration with zero variance, and an unbiased REINFORCE', async () => {
    const r = await compareEstimators({ source: TINY, path: 'tiny.sgm', draws: 400, batchSize: 1, seed: 3, estimators: 'auto,reinforce,reinforce(baseline=loo,samples=4),pathwise' });
    expect(r.format).toBe('sgm-compare/1');
    const n = r.nodes[0];
    expect(n).toMatchObject({ node: 'c', automatic: 'enumerate', parameters: ['logits'], coordinates: 3, objective: 'discrete' });
    // The reference against float64 enumeration of f(k) = (k - 0.7)^2 + k (float32 in the model).
    expect(n.reference).toMatchObject({ estimator: 'enumerate', exact: true });
    const exact = exactGradient64([0.3, -0.2, 0.5], (k) => (k - 0.7) ** 2 + k);
    n.reference.gradient.forEach((g, j) => expect(Math.abs(g - exact[j])).toBeLessThan(1e-6));
    const row = (label: string) => n.rows.find((x) => x.estimator === label)!;
    expect(row('enumerate (auto)').variance.value).toBe(0);
    expect(row('enumerate (auto)').bias.norm).toBe(0);
    for (const label of ['reinforce', 'reinforce(baseline=loo,samples=4)']) {
      const x = row(label);
      expect(x.variance.value).toBeGreaterThan(0);
      // Unbiased: every coordinate within 4 standard errors of the exact gradient.
      expect(x.bias.maxZ).toBeLessThan(4);
      expect(x.mse.value).toBeGreaterThan(0);
      expect(x.msPerGradient).toBeGreaterThan(0);
    }
    // Multi-sample leave-one-out has a lower variance than one sample with an EMA baseline.
    expect(row('reinforce(baseline=loo,samples=4)').variance.value).toBeLessThan(row('reinforce').variance.value);
    expect(n.skipped.map((s) => s.estimator)).toEqual(['pathwise']);
    expect(n.skipped[0].reason).toContain('SGM5001');
  }, 60_000);
});

describe('compareEstimators on the GenGS synthetic model (GenGS paper Figure 3)', () => {
  it('finds REINFORCE unbiased and GenGS biased against the closed-form gradient of the discrete objective', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync('models/gengs_poisson.sgm', 'utf8');
    // E mean_i (n - t_i)^2 = λ + mean_i (λ - t_i)^2 for n ~ Poisson(λ), so d/d log λ = λ (1 + 2 (λ - mean t)), float64.
    const exact = (_node: string, vars: readonly { dataSync(): ArrayLike<number> }[], batch: Record<string, { dataSync(): ArrayLike<number> }>) => {
      const rate = Math.exp(vars[0].dataSync()[0]);
      const t = Array.from(batch.t.dataSync());
      const mean = t.reduce((a, b) => a + b, 0) / t.length;
      return [rate * (1 + 2 * (rate - mean))];
    };
    const r = await compareEstimators({ source, path: 'models/gengs_poisson.sgm', data: 'synthetic:poisson?rate=20&seed=1', draws: 400, batchSize: 100, seed: 2, estimators: 'auto,reinforce', exactGradient: exact });
    const n = r.nodes[0];
    expect(n).toMatchObject({ node: 'n', relaxation: 'relaxed_count', objective: 'discrete', parameters: ['log_rate'] });
    expect(n.reference).toMatchObject({ estimator: 'closed form', exact: true });
    expect(n.reference.gradient[0]).toBeLessThan(-100); // λ = 5 against data of mean ~20
    const reinforce = n.rows.find((x) => x.estimator === 'reinforce')!;
    const gengs = n.rows.find((x) => x.estimator === 'gengs (auto)')!;
    expect(reinforce.bias.maxZ).toBeLessThan(3);
    expect(gengs.relaxed).toBe(true);
    // The relaxation at τ = 1 is biased for the discrete objective (by ~2% here), and has far less variance.
    expect(gengs.bias.maxZ).toBeGreaterThan(3);
    expect(gengs.variance.value).toBeLessThan(reinforce.variance.value / 5);
  }, 120_000);
});

describe('the parameters compare differentiates', () => {
  it('are those on deterministic paths into the node, not through other latents or into the decoder', async () => {
    const { readFileSync } = await import('node:fs');
    const { buildGraph, feedingNodes } = await import('../../compiler/graph/index.js');
    const feeding = (file: string, node: string) => {
      const r = checkSource(file, readFileSync(file, 'utf8'));
      return feedingNodes(buildGraph(r.models[0]).value, node).sort();
    };
    expect(feeding('models/sbn_reinforce.sgm', 'h1')).toEqual(['h1.logits']);
    expect(feeding('models/sbn_reinforce.sgm', 'h2')).toEqual(['h2.logits']);
    expect(feeding('models/gengs_poisson.sgm', 'n')).toEqual(['log_rate', 'λ']);
    const vae = feeding('models/igr_vae.sgm', 'z');
    expect(vae).toContain('mu');
    expect(vae.some((n) => n.startsWith('x'))).toBe(false);
  });

  it("name a relaxation's pathwise gradient by the family's name", async () => {
    const { readFileSync } = await import('node:fs');
    const r = await compareEstimators({
      source: readFileSync('models/gengs_poisson.sgm', 'utf8'),
      path: 'models/gengs_poisson.sgm',
      data: 'synthetic:poisson?rate=20&count=20',
      draws: 4,
      referenceDraws: 4,
      batchSize: 20,
      seed: 0,
      warmup: 0,
      estimators: 'gengs,enumerate',
    });
    const n = r.nodes[0];
    expect(n.rows.map((x) => [x.estimator, x.kind, x.relaxed])).toEqual([['gengs', 'pathwise', true]]);
    expect(n.skipped[0].reason).toContain('SGM5003');
  }, 60_000);
});
