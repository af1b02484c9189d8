// Sign facts of the shape checker (issue 16 item 6): what a draw's values are known to satisfy comes from its
// family's support in the signature table, and propagates through functions (matmul included), so a GenGS count
// times exp(...) is a valid Poisson rate (no SGM4004) while a Normal draw in the same place is still warned.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { binaryRange, matmulRange, rangeSatisfies } from '../../compiler/semantics/ranges.js';
import { DISTRIBUTIONS, SUPPORT_VALUES, sampleSign, type Support } from '../../stdlib/signatures/index.js';

/** A topic-model-like source: latent n of T entries per row, word counts x ~ Poisson(rate). */
function model(guide: string, prior: string, rate: string): string {
  return [
    'model m(V = 5, T = 3) {',
    '  data x: [B, V]',
    '  param log_beta: [T, V] = 0',
    '  param w: [T, V] = 0',
    `  guide {\n    n ~ ${guide}\n  }`,
    `  generative {\n    n ~ ${prior} : [T]\n    x ~ Poisson(${rate})\n  }`,
    '  maximize elbo',
    '}',
  ].join('\n');
}

/** The SGM4004 messages of a source (and no errors). */
function signWarnings(src: string): string[] {
  const r = checkSource('sign.sgm', src);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  return r.diagnostics.filter((d) => d.code === 'SGM4004').map((d) => d.message);
}

const GENGS_GUIDE = 'GenGS(Poisson(softplus(dense(x, [T]))), trunc = 8)';
const GENGS_PRIOR = 'GenGS(Poisson(1.0), trunc = 8)';
const NORMAL_GUIDE = 'Normal(dense(x, [T]), 1.0)';
const NORMAL_PRIOR = 'Normal(0, 1)';

describe('SGM4004 on a Poisson rate computed from a latent', () => {
  it('a GenGS(Poisson) count times exp(...) plus 0.001 is positive: no warning (the false positive of issue 16)', () => {
    expect(signWarnings(model(GENGS_GUIDE, GENGS_PRIOR, 'matmul(n, exp(log_beta)) + 0.001'))).toEqual([]);
  });

  it('a GenGS count plus a positive constant, and counts times a positive matrix plus one, are positive', () => {
    expect(signWarnings(model(GENGS_GUIDE, GENGS_PRIOR, 'dense(n, [V]) * 0 + matmul(n + 1, exp(log_beta))'))).toHaveLength(1); // dense: any sign
    expect(signWarnings(model(GENGS_GUIDE, GENGS_PRIOR, 'matmul(n + 1, exp(log_beta))'))).toEqual([]);
  });

  it('a GenGS count times exp(...) without the offset is only non-negative: warned (a rate of 0 is not positive)', () => {
    expect(signWarnings(model(GENGS_GUIDE, GENGS_PRIOR, 'matmul(n, exp(log_beta))'))).toEqual([
      "'rate' of Poisson must be positive, but this value is not constrained to it",
    ]);
  });

  it('a Normal draw in the same place is still warned (true positive)', () => {
    expect(signWarnings(model(NORMAL_GUIDE, NORMAL_PRIOR, 'matmul(n, exp(log_beta)) + 0.001'))).toEqual([
      "'rate' of Poisson must be positive, but this value is not constrained to it",
    ]);
  });

  it('a count times an unconstrained matrix is warned', () => {
    expect(signWarnings(model(GENGS_GUIDE, GENGS_PRIOR, 'matmul(n, w) + 0.001'))).toHaveLength(1);
  });

  it('a LogNormal draw (positive support) needs no offset', () => {
    expect(signWarnings(model('LogNormal(dense(x, [T]), 1.0)', 'LogNormal(0, 1)', 'matmul(n, exp(log_beta))'))).toEqual([]);
  });
});

describe('sign facts of the signature table', () => {
  // Values probing each support: every one the support contains must satisfy the support's sign fact.
  const PROBES = [-2.5, -1, -0.5, 0, 0.25, 0.5, 1, 2, 3, 7.5];
  const holds: Record<string, (v: number) => boolean> = {
    real: Number.isFinite,
    positive: (v) => v > 0,
    nonnegative: (v) => v >= 0,
    unit_interval: (v) => v >= 0 && v <= 1,
    simplex: (v) => v >= 0 && v <= 1,
  };

  it.each(Object.keys(SUPPORT_VALUES) as Support[])('every value of the %s support satisfies its sign fact', (support) => {
    const { contains, sign } = SUPPORT_VALUES[support];
    const inside = PROBES.filter(contains);
    expect(inside.length).toBeGreaterThan(0);
    for (const v of inside) expect(holds[sign](v)).toBe(true);
  });

  it('a draw of each family has the sign of its support', () => {
    for (const d of DISTRIBUTIONS) expect(sampleSign(d)).toBe(SUPPORT_VALUES[d.support].sign);
  });

  it('matmul keeps the sign of the products; an empty inner axis gives zeros', () => {
    expect(matmulRange('nonnegative', 'positive')).toBe('nonnegative');
    expect(matmulRange('positive', 'positive')).toBe('positive');
    expect(matmulRange('positive', 'positive', true)).toBe('nonnegative');
    expect(matmulRange('real', 'positive')).toBe('real');
    expect(matmulRange('unknown', 'positive')).toBe('unknown');
    expect(rangeSatisfies(binaryRange('+', matmulRange('nonnegative', 'positive'), 'unit_interval'), 'positive')).toBe(true);
  });

  it('simplex rows times a row-stochastic matrix are on the simplex (a topic mixture); times a vector, in (0, 1]', () => {
    expect(matmulRange('simplex', 'simplex', false, true)).toBe('simplex');
    expect(matmulRange('simplex', 'simplex', false, false)).toBe('unit_interval');
    expect(matmulRange('simplex', 'positive', false, true)).toBe('positive');
    // Numerically: random simplex rows [2, 3] times a row-stochastic [3, 4] sum to one per row, entries in [0, 1].
    const a = [[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]];
    const b = [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]];
    for (const row of a) {
      const out = b[0].map((_, j) => row.reduce((acc, w, k) => acc + w * b[k][j], 0));
      expect(out.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      for (const v of out) expect(v >= 0 && v <= 1).toBe(true);
    }
  });
});

describe('SGM4004 on Multinomial probs from a Dirichlet topic mixture', () => {
  it('matmul(theta, softmax(log_beta, axis = -1)) with theta ~ Dirichlet is a probability vector: no warning', () => {
    const src = [
      'model lda(K = 3, V = 6) {',
      '  data x: [B, V]',
      '  param log_beta: [K, V] = 0',
      '  guide {\n    theta ~ Dirichlet(softplus(dense(x, [K])) + 0.1)\n  }',
      '  generative {\n    theta ~ Dirichlet(ones([K])) : [B, K]',
      '    x ~ Multinomial(total_count = 10, probs = matmul(theta, softmax(log_beta, axis = -1)))\n  }',
      '  maximize elbo',
      '}',
    ].join('\n');
    expect(signWarnings(src)).toEqual([]);
    // The same with an unnormalised matrix is still warned.
    expect(signWarnings(src.replace('softmax(log_beta, axis = -1)', 'exp(log_beta)'))).toHaveLength(1);
  });
});
