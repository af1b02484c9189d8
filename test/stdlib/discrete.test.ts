// Discrete distributions: pmfs sum to 1, log-probs against float64 formulas, exact samplers (χ² against the
// pmf), invalid values, entropies, stability at logits ±100 and gradients through logProb.
import { describe, expect, it } from 'vitest';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { Binomial } from '../../stdlib/distributions/binomial.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { Multinomial } from '../../stdlib/distributions/multinomial.js';
import { NegativeBinomial } from '../../stdlib/distributions/negative-binomial.js';
import { OneHotCategorical } from '../../stdlib/distributions/one-hot-categorical.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import {
  binomialPmf,
  chiSquare,
  chiSquareBound,
  geometricPmf,
  histogram,
  logFact,
  negativeBinomialPmf,
  poissonPmf,
} from './helpers/reference-pmf.js';

/** A thunk that constructs inside tf.tidy (for toThrow checks; nothing leaks either way). */
const constructing = (make: () => unknown) => (): void => tf.tidy(() => {
  make();
});

/** exp(logProb) at k = 0..n-1 for a scalar-batch distribution. */
const pmfOf = (d: Distribution, n: number): number[] =>
  tf.tidy(() => Array.from(tf.exp(d.logProb(tf.range(0, n, 1, 'float32'))).dataSync()));

describe('count pmfs', () => {
  // Relative tolerances: float32 log-pmfs sum terms of size k log λ; at λ = 40 these are ~150, whose float32
  // rounding (~1e-5) bounds the relative accuracy of the pmf.
  const cases: [string, () => Distribution, (k: number) => number, number, number][] = [
    ['Poisson(0.5)', () => new Poisson({ rate: 0.5 }), (k) => poissonPmf(0.5, k), 40, 1e-5],
    ['Poisson(40)', () => new Poisson({ rate: 40 }), (k) => poissonPmf(40, k), 120, 5e-5],
    ['Binomial(30, 0.35)', () => new Binomial({ total_count: 30, probs: 0.35 }), (k) => binomialPmf(30, 0.35, k), 31, 1e-5],
    ['Geometric(0.2)', () => new Geometric({ probs: 0.2 }), (k) => geometricPmf(0.2, k), 200, 1e-5],
    [
      'NegativeBinomial(4, 0.6)',
      () => new NegativeBinomial({ total_count: 4, probs: 0.6 }),
      (k) => negativeBinomialPmf(4, 0.6, k),
      150,
      1e-5,
    ],
  ];
  for (const [name, make, ref, n, tol] of cases) {
    it(`${name}: sums to 1 and matches the float64 pmf`, () => {
      const pmf = pmfOf(make(), n);
      expect(Math.abs(pmf.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(2e-5);
      pmf.forEach((p, k) => expect(Math.abs(p - ref(k))).toBeLessThan(tol * Math.max(ref(k), 1e-3)));
    });
  }

  it('Multinomial(4, [0.5, 0.3, 0.2]) sums to 1 over every count vector', () => {
    const vectors: number[][] = [];
    for (let a = 0; a <= 4; a++) for (let b = 0; a + b <= 4; b++) vectors.push([a, b, 4 - a - b]);
    const total = tf.tidy(() =>
      tf.sum(tf.exp(new Multinomial({ total_count: 4, probs: [0.5, 0.3, 0.2] }).logProb(tf.tensor2d(vectors)))).dataSync()[0],
    );
    expect(Math.abs(total - 1)).toBeLessThan(1e-5);
  });

  it('Binomial with a batch of total_count gives mass 0 above each N', () => {
    const lp = tf.tidy(() => new Binomial({ total_count: [2, 5], probs: 0.5 }).logProb(tf.tensor([3, 3])).arraySync() as number[]);
    expect(lp[0]).toBe(-Infinity);
    expect(lp[1]).toBeCloseTo(Math.log(10 / 32), 5);
  });
});

describe('invalid values have log-probability -inf', () => {
  it('for every discrete family', () => {
    const lps = tf.tidy(() => [
      new Poisson({ rate: 2 }).logProb(tf.tensor([-1, 1.5])),
      new Geometric({ probs: 0.5 }).logProb(tf.tensor([-1, 0.5])),
      new NegativeBinomial({ total_count: 2, probs: 0.5 }).logProb(tf.tensor([-2, 2.5])),
      new Binomial({ total_count: 3, probs: 0.5 }).logProb(tf.tensor([4, -1])),
      new Bernoulli({ probs: 0.5 }).logProb(tf.tensor([0.5, 2])),
      new Categorical({ probs: [0.5, 0.5] }).logProb(tf.tensor([2, -1])),
      new OneHotCategorical({ probs: [0.5, 0.5] }).logProb(tf.tensor([[1, 1], [0.5, 0.5]])),
      new Multinomial({ total_count: 2, probs: [0.5, 0.5] }).logProb(tf.tensor([[1, 0], [3, -1]])),
    ].map((t) => Array.from(t.dataSync())));
    for (const lp of lps) expect(lp).toEqual([-Infinity, -Infinity]);
  });

  it('Bernoulli: binary data skips the mask (memoised per tensor) without changing values or gradients', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 0, 1]);
      const l = tf.tensor([0.3, -2, 5]);
      const expected = [0.3 - Math.log1p(Math.exp(0.3)), -Math.log1p(Math.exp(-2)), 5 - Math.log1p(Math.exp(5))];
      for (let i = 0; i < 2; i++) {
        const lp = Array.from(new Bernoulli({ logits: l }).logProb(x).dataSync());
        lp.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
      }
      const g = tf.grad((t: tf.Tensor) => tf.sum(new Bernoulli({ logits: t }).logProb(x)))(l);
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      Array.from(g.dataSync()).forEach((v, j) => expect(v).toBeCloseTo([1, 0, 1][j] - sig([0.3, -2, 5][j]), 5));
      // A tensor with one value outside {0, 1} still gets -inf there, after binary tensors were memoised.
      expect(Array.from(new Bernoulli({ logits: l }).logProb(tf.tensor([1, 0.5, 0])).dataSync())[1]).toBe(-Infinity);
      // A Variable is checked on every call: it may be assigned non-binary values after a binary one.
      const v = tf.variable(tf.tensor([1, 0, 1]));
      expect(Array.from(new Bernoulli({ logits: l }).logProb(v).dataSync()).every(Number.isFinite)).toBe(true);
      v.assign(tf.tensor([1, 0.5, 1]));
      expect(Array.from(new Bernoulli({ logits: l }).logProb(v).dataSync())[1]).toBe(-Infinity);
      v.dispose();
    });
  });
});

describe('exact samplers', () => {
  const N = 20000;
  const cases: [string, () => Distribution, (k: number) => number, number][] = [
    ['Poisson(4) (inversion)', () => new Poisson({ rate: 4 }), (k) => poissonPmf(4, k), 30],
    ['Poisson(60) (PTRS)', () => new Poisson({ rate: 60 }), (k) => poissonPmf(60, k), 150],
    ['Binomial(40, 0.1) (inversion)', () => new Binomial({ total_count: 40, probs: 0.1 }), (k) => binomialPmf(40, 0.1, k), 41],
    ['Binomial(100, 0.7) (BTRS)', () => new Binomial({ total_count: 100, probs: 0.7 }), (k) => binomialPmf(100, 0.7, k), 101],
    ['Geometric(0.25)', () => new Geometric({ probs: 0.25 }), (k) => geometricPmf(0.25, k), 80],
    ['NegativeBinomial(3, 0.4)', () => new NegativeBinomial({ total_count: 3, probs: 0.4 }), (k) => negativeBinomialPmf(3, 0.4, k), 60],
  ];
  for (const [name, make, pmf, size] of cases) {
    it(`${name}: χ² of ${N} draws against the pmf`, () => {
      const draws = tf.tidy(() => make().sample(new RandomStream(7), [N]).dataSync());
      const { stat, df } = chiSquare(histogram(draws, size), Array.from({ length: size }, (_, k) => pmf(k)), N);
      expect(df).toBeGreaterThan(2);
      expect(stat).toBeLessThan(chiSquareBound(df));
    });
  }

  it('a sampler can fail the χ² check (Poisson(4) draws against the Poisson(4.3) pmf)', () => {
    const draws = tf.tidy(() => new Poisson({ rate: 4 }).sample(new RandomStream(7), [N]).dataSync());
    const { stat, df } = chiSquare(histogram(draws, 30), Array.from({ length: 30 }, (_, k) => poissonPmf(4.3, k)), N);
    expect(stat).toBeGreaterThan(chiSquareBound(df));
  });

  it('the same seed gives the same draws; batches broadcast', () => {
    const d = new Poisson({ rate: [[1], [30]] });
    const a = tf.tidy(() => d.sample(new RandomStream(3), [5]));
    const b = tf.tidy(() => d.sample(new RandomStream(3), [5]));
    expect(a.shape).toEqual([5, 2, 1]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b, d.rate]);
  });
});

describe('entropies and means', () => {
  it('match float64 sums over the support', () => {
    const h = (ps: number[]): number => -ps.reduce((a, p) => (p > 0 ? a + p * Math.log(p) : a), 0);
    const got = tf.tidy(() => [
      new Bernoulli({ probs: 0.3 }).entropy(),
      new Categorical({ probs: [0.2, 0.3, 0.5] }).entropy(),
      new OneHotCategorical({ probs: [0.2, 0.3, 0.5] }).entropy(),
      new Binomial({ total_count: 12, probs: 0.4 }).entropy(),
      new Geometric({ probs: 0.3 }).entropy(),
    ].map((t) => t.dataSync()[0]));
    const expected = [
      h([0.3, 0.7]),
      h([0.2, 0.3, 0.5]),
      h([0.2, 0.3, 0.5]),
      h(Array.from({ length: 13 }, (_, k) => binomialPmf(12, 0.4, k))),
      h(Array.from({ length: 400 }, (_, k) => geometricPmf(0.3, k))),
    ];
    got.forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThan(1e-5));
  });

  it('enumerateSupport lists every value with the batch shape', () => {
    const [b, c, o, n] = tf.tidy(() => [
      new Bernoulli({ probs: [0.1, 0.2] }).enumerateSupport().arraySync(),
      new Categorical({ probs: [0.5, 0.5] }).enumerateSupport().arraySync(),
      new OneHotCategorical({ probs: [0.5, 0.5] }).enumerateSupport().arraySync(),
      new Binomial({ total_count: 2, probs: 0.5 }).enumerateSupport().arraySync(),
    ]);
    expect(b).toEqual([[0, 0], [1, 1]]);
    expect(c).toEqual([0, 1]);
    expect(o).toEqual([[1, 0], [0, 1]]);
    expect(n).toEqual([0, 1, 2]);
  });
});

describe('stability at logits ±100', () => {
  it('log-probs, entropies and their gradients are finite', () => {
    const logits = tf.tensor([100, -100, 0]);
    const finite = (t: tf.Tensor): boolean => Array.from(t.dataSync()).every(Number.isFinite);
    tf.tidy(() => {
      const f = (l: tf.Tensor): tf.Scalar =>
        tf.sum(
          tf.stack([
            new Bernoulli({ logits: l }).logProb(tf.tensor([1, 1, 0])),
            new Geometric({ logits: l }).logProb(tf.tensor([3, 0, 2])),
            new Binomial({ total_count: 5, logits: l }).logProb(tf.tensor([5, 0, 2])),
            new NegativeBinomial({ total_count: 2, logits: l }).logProb(tf.tensor([0, 4, 1])),
            new Bernoulli({ logits: l }).entropy(),
            tf.tile(new Categorical({ logits: l }).logProb(tf.tensor([1])), [3]),
          ]),
        ) as tf.Scalar;
      const { value, grad } = tf.valueAndGrad(f)(logits);
      expect(finite(value)).toBe(true);
      expect(finite(grad)).toBe(true);
    });
    logits.dispose();
  });

  it('logProb gradients to λ are exact (d/dλ log p(k) = k/λ - 1)', () => {
    const g = tf.tidy(() => {
      const f = (rate: tf.Tensor): tf.Scalar => tf.sum(new Poisson({ rate }).logProb(tf.tensor([0, 2, 7]))) as tf.Scalar;
      return Array.from(tf.grad(f)(tf.tensor([1, 2, 3.5])).dataSync());
    });
    [0 / 1 - 1, 2 / 2 - 1, 7 / 3.5 - 1].forEach((e, i) => expect(g[i]).toBeCloseTo(e, 5));
  });
});

describe('probs and logits', () => {
  it('either parameterisation gives the same distribution; exactly one is required', () => {
    const [a, b] = tf.tidy(() => [
      Array.from(new Binomial({ total_count: 6, probs: 0.25 }).logProb(tf.tensor([2])).dataSync()),
      Array.from(new Binomial({ total_count: 6, logits: Math.log(0.25 / 0.75) }).logProb(tf.tensor([2])).dataSync()),
    ]);
    expect(a[0]).toBeCloseTo(b[0], 5);
    expect(a[0]).toBeCloseTo(logFact(6) - logFact(2) - logFact(4) + 2 * Math.log(0.25) + 4 * Math.log(0.75), 5);
    expect(() => new Bernoulli({})).toThrow(TypeError);
    expect(constructing(() => new Categorical({ probs: [0.5, 0.5], logits: [0, 0] }))).toThrow(TypeError);
    expect(() => new Binomial({ total_count: 2.5, probs: 0.5 })).toThrow(RangeError);
  });
});
