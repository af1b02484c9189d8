// The statistical KL test matrix (issue 13): for every KL pair the analysis can choose, enumerated from the rule
// table (so a new rule without a case fails here), sgm's estimate against an independent float64 reference at
// τ ∈ {1, 0.5, 0.1, 0.05, 0.03, 0.01}: a closed form, or ≥ 1e5-sample Monte Carlo in log space with its own RNG
// (helpers/kl64.ts). Pass: |sgm - reference| ≤ 4 standard errors (of both estimates combined) plus a float32
// rounding allowance. Cases include large logits (|logit| = 50). SGM_KL_TABLE=1 prints the table.
import { afterAll, describe, expect, it } from 'vitest';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import { ExpConcrete } from '../../stdlib/distributions/exp-concrete.js';
import { GenGS } from '../../stdlib/distributions/gen-gs.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { GumbelSoftmax } from '../../stdlib/distributions/gumbel-softmax.js';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_Planar } from '../../stdlib/distributions/igr-planar.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import { LogNormal } from '../../stdlib/distributions/log-normal.js';
import { Normal } from '../../stdlib/distributions/normal.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { RelaxedBernoulli } from '../../stdlib/distributions/relaxed-bernoulli.js';
import { explainKl, klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { KL_RULES } from '../../stdlib/kl/rules.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import {
  concrete64,
  discreteKl64,
  gaussianKl64,
  igr64,
  logSoftmax64,
  mcKl64,
  poissonLog64,
  relaxedBernoulli64,
  truncatedPoissonLog64,
  type Planar64,
  type Relaxed64,
} from './helpers/kl64.js';
import { CONTINUOUS_KL_CASES } from './kl-matrix-continuous.js';

const TAUS = [1, 0.5, 0.1, 0.05, 0.03, 0.01];
/** Float64 reference draws (≥ 1e5) and sgm's Monte Carlo draws (one per row of a batched posterior). */
const REF_DRAWS = 100_000;
const SGM_DRAWS = 5_000;

interface Estimate {
  readonly mean: number;
  readonly se: number;
}
interface Built {
  readonly q: Distribution;
  readonly p: Distribution;
  readonly reference: () => Estimate;
}
interface Case {
  readonly rule: string;
  readonly name: string;
  /** Temperatures to run at; [undefined] for pairs without one. */
  readonly taus: readonly (number | undefined)[];
  /** Builds q (with `rows` identical batch rows for Monte Carlo rules) and p at τ. */
  readonly build: (tau: number, rows: number) => Built;
}

const rows = (values: readonly number[], n: number): tf.Tensor => tf.tile(tf.tensor2d([values as number[]]), [n, 1]);
const exact = (v: number): Estimate => ({ mean: v, se: 0 });
/** Σ of independent Monte Carlo references (one per coordinate). */
const sumEstimates = (es: readonly Estimate[]): Estimate => ({ mean: es.reduce((s, e) => s + e.mean, 0), se: Math.sqrt(es.reduce((s, e) => s + e.se ** 2, 0)) });
const mc = (q: Relaxed64, p: Relaxed64, seed: number) => () => mcKl64(q, p, REF_DRAWS, seed);

// Parameters (K = 6 categories for the IGR and Gumbel-Softmax cases).
const MU = [1.2, -0.5, 0.3, 2, -1.5];
const SIGMA = [0.6, 1.1, 0.8, 0.5, 1.4];
const MU0 = [0, 0.4, -0.2, 1, 0.5];
const SIGMA0 = [1, 0.9, 1.2, 0.7, 1];
const BIG_LOGITS = [50, -50, 0, 3, -2, 1];
const BIG_LOGITS0 = [-50, 10, 1, 0, 50, -3];
const FLOW_Q: Planar64[] = [
  { w: [0.5, -0.3, 0.8, 0.1, -0.6], u: [0.7, 0.2, -0.4, 0.9, 0.3], b: 0.2 },
  { w: [-0.2, 0.9, 0.4, -0.7, 0.5], u: [0.1, -0.8, 0.6, 0.2, -0.5], b: -0.4 },
];
const FLOW_P: Planar64[] = [{ w: [0.3, 0.6, -0.5, 0.2, 0.4], u: [-0.6, 0.4, 0.3, -0.2, 0.8], b: 0.1 }];
const flowTensors = (flow: readonly Planar64[]) => flow.map((l) => ({ w: tf.tensor1d(l.w as number[]), u: tf.tensor1d(l.u as number[]), b: tf.scalar(l.b) }));

const CASES: Case[] = [
  {
    rule: 'normal-normal',
    name: 'Normal vs Normal',
    taus: [undefined],
    build: () => ({ q: new Normal({ mu: MU, sigma: SIGMA }), p: new Normal({ mu: MU0, sigma: SIGMA0 }), reference: () => exact(gaussianKl64(MU, SIGMA, MU0, SIGMA0)) }),
  },
  {
    rule: 'lognormal-lognormal',
    name: 'LogNormal vs LogNormal',
    taus: [undefined],
    build: () => ({ q: new LogNormal({ mu: MU, sigma: SIGMA }), p: new LogNormal({ mu: MU0, sigma: SIGMA0 }), reference: () => exact(gaussianKl64(MU, SIGMA, MU0, SIGMA0)) }),
  },
  {
    rule: 'igr-igr',
    name: 'IGR_I vs IGR_I, same τ',
    taus: TAUS,
    build: (tau) => ({ q: new IGR_I({ mu: MU, sigma: SIGMA, tau }), p: new IGR_I({ mu: MU0, sigma: SIGMA0, tau }), reference: mc(igr64('I', MU, SIGMA, tau), igr64('I', MU0, SIGMA0, tau), 1) }),
  },
  {
    rule: 'igr-igr',
    name: 'IGR_SB vs IGR_SB, same τ, ρ only on q',
    taus: TAUS,
    build: (tau) => ({
      q: new IGR_SB({ mu: MU, sigma: SIGMA, tau, rho: 0.9 }),
      p: new IGR_SB({ mu: MU0, sigma: SIGMA0, tau }),
      reference: mc(igr64('SB', MU, SIGMA, tau), igr64('SB', MU0, SIGMA0, tau), 2),
    }),
  },
  {
    rule: 'igr-i-rescaled',
    name: 'IGR_I τ vs IGR_I 2τ, δ = 1 vs 2',
    taus: TAUS,
    build: (tau) => ({
      q: new IGR_I({ mu: MU, sigma: SIGMA, tau }),
      p: new IGR_I({ mu: MU0, sigma: SIGMA0, tau: 2 * tau, delta: 2 }),
      reference: mc(igr64('I', MU, SIGMA, tau), igr64('I', MU0, SIGMA0, 2 * tau, 2), 3),
    }),
  },
  {
    rule: 'igr-planar-gaussian-mc',
    name: 'IGR_Planar vs IGR_I',
    taus: TAUS,
    build: (tau, n) => ({
      q: new IGR_Planar({ mu: rows(MU, n), sigma: rows(SIGMA, n), tau, flow: flowTensors(FLOW_Q) }),
      p: new IGR_I({ mu: MU0, sigma: SIGMA0, tau }),
      reference: mc(igr64('Planar', MU, SIGMA, tau, 1, FLOW_Q), igr64('I', MU0, SIGMA0, tau), 4),
    }),
  },
  {
    rule: 'igr-planar-gaussian-mc',
    name: 'IGR_Planar vs IGR_Planar',
    taus: TAUS,
    build: (tau, n) => ({
      q: new IGR_Planar({ mu: rows(MU, n), sigma: rows(SIGMA, n), tau, flow: flowTensors(FLOW_Q) }),
      p: new IGR_Planar({ mu: MU0, sigma: SIGMA0, tau, flow: flowTensors(FLOW_P) }),
      reference: mc(igr64('Planar', MU, SIGMA, tau, 1, FLOW_Q), igr64('Planar', MU0, SIGMA0, tau, 1, FLOW_P), 5),
    }),
  },
  {
    rule: 'categorical-categorical',
    name: 'Categorical vs Categorical, logits ±50',
    taus: [undefined],
    build: () => ({
      q: new Categorical({ logits: BIG_LOGITS }),
      p: new Categorical({ logits: BIG_LOGITS0 }),
      reference: () => exact(discreteKl64(logSoftmax64(BIG_LOGITS), logSoftmax64(BIG_LOGITS0))),
    }),
  },
  {
    rule: 'bernoulli-bernoulli',
    name: 'Bernoulli vs Bernoulli, logits ±50',
    taus: [undefined],
    build: () => {
      const lq = [50, -50, 0.3];
      const lp = [-50, 2, 49];
      // [log(1 - p), log p] = [-softplus(ℓ), -softplus(-ℓ)] in float64.
      const sp = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
      const logs = (l: number) => [-sp(l), -sp(-l)];
      return {
        q: new Bernoulli({ logits: lq }),
        p: new Bernoulli({ logits: lp }),
        reference: () => exact(lq.reduce((s, l, i) => s + discreteKl64(logs(l), logs(lp[i])), 0)),
      };
    },
  },
  {
    rule: 'poisson-poisson',
    name: 'Poisson vs Poisson',
    taus: [undefined],
    build: () => ({
      q: new Poisson({ rate: [3, 0.5] }),
      p: new Poisson({ rate: [5, 2] }),
      reference: () => exact([[3, 5], [0.5, 2]].reduce((s, [a, b]) => s + a * Math.log(a / b) - a + b, 0)),
    }),
  },
  {
    rule: 'gengs-gengs',
    name: 'GenGS(Poisson(3)) vs GenGS(Poisson(5)), 10 cells',
    taus: [1, 0.01],
    build: (tau) => ({
      q: new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau }),
      p: new GenGS({ base: new Poisson({ rate: 5 }), trunc: 10, tau }),
      reference: () => exact(discreteKl64(truncatedPoissonLog64(3, 10), truncatedPoissonLog64(5, 10))),
    }),
  },
  {
    rule: 'gengs-enumerated',
    name: 'GenGS(Poisson(3)) vs Poisson(4), 12 cells',
    taus: [1, 0.01],
    build: (tau) => ({
      q: new GenGS({ base: new Poisson({ rate: 3 }), trunc: 12, tau }),
      p: new Poisson({ rate: 4 }),
      reference: () => exact(discreteKl64(truncatedPoissonLog64(3, 12), Array.from({ length: 12 }, (_, k) => poissonLog64(k, 4)))),
    }),
  },
  {
    rule: 'concrete-concrete-mc',
    name: 'GumbelSoftmax vs GumbelSoftmax, logits ±50',
    taus: TAUS,
    build: (tau, n) => ({
      q: new GumbelSoftmax({ logits: rows(BIG_LOGITS, n), tau }),
      p: new GumbelSoftmax({ logits: BIG_LOGITS0, tau }),
      reference: mc(concrete64(BIG_LOGITS, tau), concrete64(BIG_LOGITS0, tau), 6),
    }),
  },
  {
    rule: 'concrete-concrete-mc',
    name: 'GumbelSoftmax τ vs ExpConcrete 2τ',
    taus: TAUS,
    build: (tau, n) => ({
      q: new GumbelSoftmax({ logits: rows([1, -1, 0.5, 2, 0, -2], n), tau }),
      p: new ExpConcrete({ logits: [0, 0, 0, 0, 0, 0], tau: 2 * tau }),
      reference: mc(concrete64([1, -1, 0.5, 2, 0, -2], tau), concrete64([0, 0, 0, 0, 0, 0], 2 * tau), 7),
    }),
  },
  {
    rule: 'relaxed-bernoulli-mc',
    name: 'RelaxedBernoulli vs RelaxedBernoulli, logits ±50',
    taus: TAUS,
    build: (tau, n) => {
      const lq = [50, -3, 0.5];
      const lp = [-50, 1, 2];
      return {
        q: new RelaxedBernoulli({ logits: rows(lq, n), tau }),
        p: new RelaxedBernoulli({ logits: lp, tau }),
        reference: () => sumEstimates(lq.map((l, i) => mcKl64(relaxedBernoulli64(l, tau), relaxedBernoulli64(lp[i], tau), REF_DRAWS, 10 + i))),
      };
    },
  },
  {
    rule: 'generic-mc',
    name: 'IGR_SB τ vs IGR_SB τ/2 (log space)',
    taus: TAUS,
    build: (tau, n) => ({
      q: new IGR_SB({ mu: rows(MU, n), sigma: rows(SIGMA, n), tau }),
      p: new IGR_SB({ mu: MU0, sigma: SIGMA0, tau: tau / 2 }),
      reference: mc(igr64('SB', MU, SIGMA, tau), igr64('SB', MU0, SIGMA0, tau / 2), 20),
    }),
  },
  {
    rule: 'generic-mc',
    name: 'GumbelSoftmax vs IGR_I (log space)',
    taus: TAUS,
    build: (tau, n) => ({
      q: new GumbelSoftmax({ logits: rows([1, -1, 0.5, 2, 0, -2], n), tau }),
      p: new IGR_I({ mu: MU0, sigma: SIGMA0, tau }),
      reference: mc(concrete64([1, -1, 0.5, 2, 0, -2], tau), igr64('I', MU0, SIGMA0, tau), 21),
    }),
  },
  {
    rule: 'generic-mc',
    name: 'IGR_I vs GumbelSoftmax (log space)',
    taus: TAUS,
    build: (tau, n) => ({
      q: new IGR_I({ mu: rows(MU, n), sigma: rows(SIGMA, n), tau }),
      p: new GumbelSoftmax({ logits: [1, -1, 0.5, 2, 0, -2], tau }),
      reference: mc(igr64('I', MU, SIGMA, tau), concrete64([1, -1, 0.5, 2, 0, -2], tau), 22),
    }),
  },
  // IGR_SB's draws lie inside every full-simplex family's support: finite KL, scored in log space (issue 13).
  {
    rule: 'generic-mc',
    name: 'IGR_SB vs IGR_I (log space)',
    taus: TAUS,
    build: (tau, n) => ({
      q: new IGR_SB({ mu: rows(MU, n), sigma: rows(SIGMA, n), tau }),
      p: new IGR_I({ mu: MU0, sigma: SIGMA0, tau }),
      reference: mc(igr64('SB', MU, SIGMA, tau), igr64('I', MU0, SIGMA0, tau), 23),
    }),
  },
  {
    rule: 'generic-mc',
    name: 'IGR_SB, μ ±8, vs GumbelSoftmax, logits ±50 (log space)',
    taus: TAUS,
    build: (tau, n) => {
      const mu = [8, -8, 8, -8, 0];
      return {
        q: new IGR_SB({ mu: rows(mu, n), sigma: rows(SIGMA, n), tau }),
        p: new GumbelSoftmax({ logits: BIG_LOGITS, tau }),
        reference: mc(igr64('SB', mu, SIGMA, tau), concrete64(BIG_LOGITS, tau), 24),
      };
    },
  },
  {
    rule: 'generic-mc',
    name: 'IGR_SB, μ ±8, τ vs IGR_SB τ/2, μ ±8 (log space; the prior inverts small sticks)',
    taus: TAUS,
    build: (tau, n) => {
      const mu = [8, -8, 8, -8, 0];
      const mu0 = [-8, 8, 0, 8, -8];
      return {
        q: new IGR_SB({ mu: rows(mu, n), sigma: rows(SIGMA, n), tau }),
        p: new IGR_SB({ mu: mu0, sigma: SIGMA0, tau: tau / 2 }),
        reference: mc(igr64('SB', mu, SIGMA, tau), igr64('SB', mu0, SIGMA0, tau / 2), 26),
      };
    },
  },
  {
    // δp > δq: w' = (τp/τq) w + τp log(δp/δq) stays in the prior's stick simplex iff τp/τq + (K-1) τp log(δp/δq)
    // ≤ 1 (stdlib/kl/support.ts): 1/8 + 5 (τ/8) log 2 ≤ 1 for every τ ≤ 1.
    rule: 'generic-mc',
    name: 'IGR_SB τ, δ 1 vs IGR_SB τ/8, δ 2 (log space)',
    taus: TAUS,
    build: (tau, n) => ({
      q: new IGR_SB({ mu: rows(MU, n), sigma: rows(SIGMA, n), tau }),
      p: new IGR_SB({ mu: MU0, sigma: SIGMA0, tau: tau / 8, delta: 2 }),
      reference: mc(igr64('SB', MU, SIGMA, tau), igr64('SB', MU0, SIGMA0, tau / 8, 2), 25),
    }),
  },
  {
    rule: 'generic-mc',
    name: 'Poisson vs Geometric (pmfs)',
    taus: [undefined],
    build: (_tau, n) => ({
      q: new Poisson({ rate: tf.fill([n], 3) }),
      p: new Geometric({ probs: 0.3 }),
      reference: () => exact(discreteKl64(Array.from({ length: 80 }, (_, k) => poissonLog64(k, 3)), Array.from({ length: 80 }, (_, k) => k * Math.log(0.7) + Math.log(0.3)))),
    }),
  },
];

interface Row {
  readonly rule: string;
  readonly name: string;
  readonly tau: number | undefined;
  readonly reference: Estimate;
  readonly sgm: Estimate;
}
const table: Row[] = [];
// The continuous families' closed forms (issue 16) live in their own file.
CASES.push(...CONTINUOUS_KL_CASES);

/** sgm's estimate: a closed form once, or the mean and standard error of one Monte Carlo draw per batch row. */
function sgmEstimate(q: Distribution, p: Distribution, seed: number): Estimate {
  const plan = explainKl(q, p);
  const values = tf.tidy(() => {
    const kl = klDivergence(q, p, { rng: new RandomStream(seed), samples: 1 });
    // Closed forms return the batch of per-element terms; sum them to the pair's KL.
    return plan.method === 'closed_form' ? tf.reshape(tf.sum(kl), [1]) : tf.reshape(kl, [kl.shape[0] ?? 1, -1]).sum(-1);
  });
  const v = Array.from(values.dataSync());
  values.dispose();
  if (plan.method === 'closed_form') return exact(v[0]);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1);
  return { mean, se: Math.sqrt(variance / v.length) };
}

const RULES = [...KL_RULES.map((r) => r.id), 'generic-mc'];

describe('KL test matrix', () => {
  for (const rule of RULES) {
    describe(rule, () => {
      it('has at least one case (every rule the analysis can choose is tested)', () => {
        expect(CASES.filter((c) => c.rule === rule).length).toBeGreaterThan(0);
      });
      for (const c of CASES.filter((x) => x.rule === rule)) {
        for (const tau of c.taus) {
          it(`${c.name}${tau === undefined ? '' : `, τ = ${tau}`}`, () => {
            const isMc = KL_RULES.find((r) => r.id === rule)?.method !== 'closed_form';
            const built = c.build(tau ?? 1, isMc ? SGM_DRAWS : 1);
            expect(explainKl(built.q, built.p).rule).toBe(rule);
            const sgm = sgmEstimate(built.q, built.p, 1);
            const reference = built.reference();
            table.push({ rule, name: c.name, tau, reference, sgm });
            const se = Math.sqrt(sgm.se ** 2 + reference.se ** 2);
            // float32 rounding of the per-draw log-ratios (log densities reach ~1e4 at τ = 0.01 with |logit| = 50).
            const rounding = 2e-4 * Math.max(1, Math.abs(reference.mean));
            expect(Number.isFinite(sgm.mean)).toBe(true);
            expect(Math.abs(sgm.mean - reference.mean)).toBeLessThanOrEqual(4 * se + rounding);
          });
        }
      }
    });
  }
});

afterAll(() => {
  if (process.env.SGM_KL_TABLE !== '1') return;
  const f = (x: number) => (Math.abs(x) >= 1e4 ? x.toExponential(4) : x.toFixed(4));
  const lines = ['| rule | pair | τ | reference (SE) | sgm (SE) |', '|---|---|---|---|---|'];
  for (const r of table) lines.push(`| ${r.rule} | ${r.name} | ${r.tau ?? '-'} | ${f(r.reference.mean)} (${f(r.reference.se)}) | ${f(r.sgm.mean)} (${f(r.sgm.se)}) |`);
  console.log(lines.join('\n'));
});
