// Truncated pmfs (GenGS Definition 1, two-sided appendix A; docs/math.md section 7) against float64 sums.
import { describe, expect, it } from 'vitest';
import { Binomial } from '../../stdlib/distributions/binomial.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { NegativeBinomial } from '../../stdlib/distributions/negative-binomial.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { tf } from '../../stdlib/tf.js';
import { truncatedPmf, truncatedPmfTwoSided } from '../../stdlib/truncation.js';
import { binomialPmf, negativeBinomialPmf, pmfSum, poissonPmf } from './helpers/reference-pmf.js';

// docs/math.md section 9.
const POISSON3_PI = [
  0.0497870684, 0.1493612051, 0.2240418077, 0.2240418077, 0.1680313557, 0.1008188134, 0.0504094067, 0.0216040315,
  0.0081015118, 0.0038029921,
];

/** probs, tailMass, foldedMass of a truncation as plain arrays (tensors disposed). */
function read(t: ReturnType<typeof truncatedPmf>): { probs: number[]; tail: number[]; folded: number[]; shape: number[] } {
  const out = {
    probs: Array.from(t.probs.dataSync()),
    tail: Array.from(t.tailMass.dataSync()),
    folded: Array.from(t.foldedMass.dataSync()),
    shape: t.probs.shape,
  };
  tf.dispose([t.probs, t.logProbs, t.tailMass, t.foldedMass]);
  return out;
}

describe('truncatedPmf', () => {
  it('Poisson(3), n = 10 matches docs/math.md section 9, with the tail mass reported', () => {
    const r = read(truncatedPmf(new Poisson({ rate: 3 }), 10));
    r.probs.forEach((p, k) => expect(Math.abs(p - POISSON3_PI[k])).toBeLessThan(1e-6));
    expect(Math.abs(r.tail[0] - 0.0038029921)).toBeLessThan(1e-7);
    const folded = 1 - pmfSum((k) => poissonPmf(3, k), 0, 9);
    expect(Math.abs(r.folded[0] - folded)).toBeLessThan(1e-7);
  });

  it('works batched: Poisson rates [[1], [5]] give [2, 1, 8] cells summing to 1', () => {
    const r = read(truncatedPmf(new Poisson({ rate: [[1], [5]] }), 8));
    expect(r.shape).toEqual([2, 1, 8]);
    [1, 5].forEach((lambda, b) => {
      const row = r.probs.slice(8 * b, 8 * b + 8);
      expect(Math.abs(row.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-6);
      // lgamma's float32 error (~3e-6 absolute near x = 2..8) bounds the pmf's relative accuracy.
      row.slice(0, 7).forEach((p, k) => expect(Math.abs(p - poissonPmf(lambda, k))).toBeLessThan(5e-6 * p + 1e-8));
      expect(Math.abs(row[7] - (1 - pmfSum((k) => poissonPmf(lambda, k), 0, 6)))).toBeLessThan(5e-6 * row[7] + 1e-8);
    });
  });

  it('keeps a tiny Poisson tail to relative accuracy (where 1 - Σ head would give 0)', () => {
    const r = read(truncatedPmf(new Poisson({ rate: 2 }), 30));
    const tail = pmfSum((k) => poissonPmf(2, k), 29, 200);
    expect(tail).toBeLessThan(1e-20);
    expect(Math.abs(r.probs[29] - tail) / tail).toBeLessThan(1e-4);
  });

  it('Geometric uses the exact survival function (1-p)^(n-1)', () => {
    const r = read(truncatedPmf(new Geometric({ probs: [0.3, 0.01] }), 20));
    expect(Math.abs(r.tail[0] - 0.7 ** 19) / 0.7 ** 19).toBeLessThan(1e-5);
    expect(Math.abs(r.tail[1] - 0.99 ** 19)).toBeLessThan(1e-6);
  });

  it('NegativeBinomial heavy tails: large tails by complement, small ones by the window plus extrapolation', () => {
    const pmf = (k: number): number => negativeBinomialPmf(2, 0.95, k);
    const big = read(truncatedPmf(new NegativeBinomial({ total_count: 2, probs: 0.95 }), 30));
    const bigTail = 1 - pmfSum(pmf, 0, 28);
    expect(Math.abs(big.tail[0] - bigTail) / bigTail).toBeLessThan(1e-4);
    const small = read(truncatedPmf(new NegativeBinomial({ total_count: 2, probs: 0.95 }), 400));
    // The far tail by the pmf recurrence p(k+1) = p(k) · p (k + r)/(k + 1): O(1) per term.
    let term = pmf(399);
    let smallTail = 0;
    for (let k = 399; k < 20000; k++) {
      smallTail += term;
      term *= (0.95 * (k + 2)) / (k + 1);
    }
    expect(smallTail).toBeLessThan(1e-6);
    expect(Math.abs(small.tail[0] - smallTail) / smallTail).toBeLessThan(2e-3);
  });

  it('Binomial: exact finite tails; the full support folds nothing', () => {
    const cut = read(truncatedPmf(new Binomial({ total_count: 12, probs: 0.6 }), 6));
    const tail = pmfSum((k) => binomialPmf(12, 0.6, k), 5, 12);
    expect(Math.abs(cut.probs[5] - tail)).toBeLessThan(1e-6);
    const full = read(truncatedPmf(new Binomial({ total_count: 12, probs: 0.6 }), 13));
    expect(full.folded[0]).toBe(0);
    expect(() => truncatedPmf(new Binomial({ total_count: 12, probs: 0.6 }), 14)).toThrow(RangeError);
  });

  it('has finite gradients that match float64 finite differences', () => {
    // d/dλ Σ_k w_k log π_k(λ) for Poisson, n = 6 (tail cell included), against central differences in float64.
    const w = [0.3, -1, 0.5, 2, -0.7, 1.1];
    const logPi = (lambda: number): number[] => {
      const head = [0, 1, 2, 3, 4].map((k) => poissonPmf(lambda, k));
      return [...head, 1 - head.reduce((a, b) => a + b, 0)].map(Math.log);
    };
    const objective = (lambda: number): number => logPi(lambda).reduce((a, l, k) => a + w[k] * l, 0);
    const fd = (objective(2.5 + 1e-6) - objective(2.5 - 1e-6)) / 2e-6;
    const g = tf.tidy(() => {
      const f = (rate: tf.Tensor): tf.Scalar => tf.sum(tf.mul(truncatedPmf(new Poisson({ rate }), 6).logProbs, w)) as tf.Scalar;
      return tf.grad(f)(tf.scalar(2.5)).dataSync()[0];
    });
    expect(Math.abs(g - fd) / Math.abs(fd)).toBeLessThan(1e-4);
  });
});

describe('truncatedPmfTwoSided', () => {
  it('Poisson(100) on 50..150 sums to 1 and folds both tails into the edge cells', () => {
    const r = read(truncatedPmfTwoSided(new Poisson({ rate: 100 }), 50, 150));
    const pmf = (k: number): number => poissonPmf(100, k);
    expect(r.probs.length).toBe(101);
    expect(Math.abs(r.probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    const lower = pmfSum(pmf, 0, 50);
    const upper = pmfSum(pmf, 150, 400);
    expect(Math.abs(r.probs[0] - lower) / lower).toBeLessThan(5e-4);
    expect(Math.abs(r.probs[100] - upper) / upper).toBeLessThan(5e-4);
    // float32 log-pmf terms near k = 100 are ~460 in size: relative accuracy ~1e-4.
    for (const k of [60, 99, 100, 120, 149]) expect(Math.abs(r.probs[k - 50] - pmf(k)) / pmf(k)).toBeLessThan(2e-4);
    expect(Math.abs(r.tail[0] - (lower + upper)) / (lower + upper)).toBeLessThan(5e-4);
    const folded = pmfSum(pmf, 0, 49) + pmfSum(pmf, 151, 400);
    expect(Math.abs(r.folded[0] - folded) / folded).toBeLessThan(2e-3);
  });

  it('rejects ranges that are not 0 ≤ lo ≤ hi', () => {
    expect(() => truncatedPmfTwoSided(new Poisson({ rate: 1 }), 5, 3)).toThrow(RangeError);
    expect(() => truncatedPmfTwoSided(new Poisson({ rate: 1 }), -1, 3)).toThrow(RangeError);
  });

  it('a single cell holds all the mass', () => {
    const r = read(truncatedPmfTwoSided(new Poisson({ rate: 4 }), 3, 3));
    expect(r.probs).toEqual([1]);
  });
});
