// GenGS (GenGS paper; docs/math.md section 7): explicit and implicit forms, every base, hard/straight-through,
// two-sided truncation, stability and gradients.
import { describe, expect, it } from 'vitest';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { Binomial } from '../../stdlib/distributions/binomial.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import { GenGS } from '../../stdlib/distributions/gen-gs.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { Multinomial } from '../../stdlib/distributions/multinomial.js';
import { NegativeBinomial } from '../../stdlib/distributions/negative-binomial.js';
import { OneHotCategorical } from '../../stdlib/distributions/one-hot-categorical.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { binomialPmf, chiSquare, chiSquareBound, histogram, softmax } from './helpers/reference-pmf.js';

/** A thunk that constructs inside tf.tidy (for toThrow checks; nothing leaks either way). */
const constructing = (make: () => unknown) => (): void => tf.tidy(() => {
  make();
});

// docs/math.md section 9.
const POISSON3_PI = [
  0.0497870684, 0.1493612051, 0.2240418077, 0.2240418077, 0.1680313557, 0.1008188134, 0.0504094067, 0.0216040315,
  0.0081015118, 0.0038029921,
];
const POISSON3_MEAN = 2.998513417;
const finite = (xs: ArrayLike<number>): boolean => Array.from(xs).every(Number.isFinite);

describe('explicit form', () => {
  it('GenGS(Poisson(3), trunc = 10): π, E[Z] and tail mass of docs/math.md section 9', () => {
    const [probs, mean, tail] = tf.tidy(() => {
      const g = new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau: 0.5 });
      return [Array.from(g.probs.dataSync()), g.mean().dataSync()[0], g.tailMass?.dataSync()[0]];
    });
    probs.forEach((p, k) => expect(Math.abs(p - POISSON3_PI[k])).toBeLessThan(1e-6));
    expect(Math.abs(mean - POISSON3_MEAN)).toBeLessThan(1e-5);
    expect(Math.abs((tail ?? NaN) - 0.0038029921)).toBeLessThan(1e-7);
  });

  it('hard draws are exact draws of the truncated distribution (χ² against π)', () => {
    const draws = tf.tidy(() =>
      new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau: 0.7, hard: true }).sample(new RandomStream(11), [20000]).dataSync(),
    );
    expect(Array.from(draws).every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
    const { stat, df } = chiSquare(histogram(draws, 10), POISSON3_PI, 20000);
    expect(stat).toBeLessThan(chiSquareBound(df));
  });

  it('sample() is an exact draw of the truncated pmf without hard too (what `with reinforce` weights by logProb)', () => {
    const [draws, logq, vectors] = tf.tidy(() => {
      const g = new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau: 0.7 });
      const x = g.sample(new RandomStream(11), [20000]);
      const m = new GenGS({ base: new Multinomial({ total_count: 3, probs: [0.7, 0.2, 0.1] }), tau: 1 }).sample(new RandomStream(3), [500]);
      return [Array.from(x.dataSync()), Array.from(g.logProb(x).dataSync()), Array.from(tf.sum(m, -1).dataSync())];
    });
    expect(draws.every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
    const { stat, df } = chiSquare(histogram(Float32Array.from(draws), 10), POISSON3_PI, 20000);
    expect(stat).toBeLessThan(chiSquareBound(df));
    expect(logq.every(Number.isFinite)).toBe(true);
    // A relaxed Multinomial draw rounded per coordinate need not sum to N; an exact draw is a count vector.
    expect(vectors.every((s) => s === 3)).toBe(true);
  });

  it('relaxed draws approach the hard ones as τ -> 0 (same noise), and stay inside [lo, hi]', () => {
    const [soft, hard] = tf.tidy(() => {
      const base = new Poisson({ rate: 3 });
      return [
        Array.from(new GenGS({ base, trunc: 10, tau: 0.01 }).rsample(new RandomStream(4), [500]).dataSync()),
        Array.from(new GenGS({ base, trunc: 10, tau: 0.01, hard: true }).rsample(new RandomStream(4), [500]).dataSync()),
      ];
    });
    // A draw stays away from its hard value only when the two largest perturbed logits are within ~τ.
    const close = soft.filter((s, i) => Math.abs(s - hard[i]) < 0.1).length;
    expect(close).toBeGreaterThan(485);
    expect(soft.every((s) => s >= 0 && s <= 9)).toBe(true);
  });

  it('two-sided Poisson(100) on [50, 150]: π sums to 1, draws stay inside, hard mean ≈ 100', () => {
    const [sum, draws, tail] = tf.tidy(() => {
      const g = new GenGS({ base: new Poisson({ rate: 100 }), trunc: [50, 150], tau: 0.5, hard: true });
      return [tf.sum(g.probs).dataSync()[0], Array.from(g.sample(new RandomStream(2), [4000]).dataSync()), g.tailMass?.dataSync()[0]];
    });
    expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    expect(draws.every((v) => v >= 50 && v <= 150)).toBe(true);
    expect(Math.abs(draws.reduce((a, b) => a + b, 0) / draws.length - 100)).toBeLessThan(5 * (10 / Math.sqrt(4000)));
    expect(tail).toBeGreaterThan(0);
    expect(tail).toBeLessThan(1e-5);
  });

  it('Binomial needs no truncation (N + 1 cells, nothing folded); Geometric and NegativeBinomial require one', () => {
    const [n, folded, probs] = tf.tidy(() => {
      const g = new GenGS({ base: new Binomial({ total_count: 6, probs: 0.3 }) });
      return [g.numCells, g.foldedMass?.dataSync()[0], Array.from(g.probs.dataSync())];
    });
    expect(n).toBe(7);
    expect(folded).toBe(0);
    probs.forEach((p, k) => expect(Math.abs(p - binomialPmf(6, 0.3, k))).toBeLessThan(1e-6));
    expect(constructing(() => new GenGS({ base: new Geometric({ probs: 0.5 }) }))).toThrow(TypeError);
    expect(constructing(() => new GenGS({ base: new NegativeBinomial({ total_count: 2, probs: 0.5 }) }))).toThrow(TypeError);
  });

  it('Multinomial base: every count vector is a cell and relaxed values sum to N', () => {
    const [cells, mean, sums, lp] = tf.tidy(() => {
      const g = new GenGS({ base: new Multinomial({ total_count: 3, probs: [0.7, 0.2, 0.1] }), tau: 0.3 });
      const v = g.rsample(new RandomStream(8), [50]);
      return [
        g.numCells,
        Array.from(g.mean().dataSync()),
        Array.from(tf.sum(v, -1).dataSync()),
        g.logProb(tf.tensor([[1, 1, 1]])).dataSync()[0],
      ];
    });
    expect(cells).toBe(10);
    [2.1, 0.6, 0.3].forEach((m, k) => expect(mean[k]).toBeCloseTo(m, 5));
    sums.forEach((s) => expect(s).toBeCloseTo(3, 4));
    expect(lp).toBeCloseTo(Math.log(6 * 0.7 * 0.2 * 0.1), 5);
  });

  it('Categorical base relaxes the index; OneHotCategorical base is plain Gumbel-Softmax', () => {
    const [idxMean, ohShape, ohMean, key] = tf.tidy(() => {
      const c = new GenGS({ base: new Categorical({ logits: [0, 1, 2] }), tau: 0.5 });
      const o = new GenGS({ base: new OneHotCategorical({ logits: [0, 1, 2] }), tau: 0.5 });
      return [c.mean().dataSync()[0], o.rsample(new RandomStream(1), [3]).shape, Array.from(o.mean().dataSync()), o.cellsKey];
    });
    const p = softmax([0, 1, 2]);
    expect(idxMean).toBeCloseTo(p[1] + 2 * p[2], 5);
    expect(ohShape).toEqual([3, 3]);
    ohMean.forEach((m, k) => expect(m).toBeCloseTo(p[k], 5));
    expect(key).toBe('one_hot(3)');
  });

  it('rejects bases it cannot relax and truncations that drop categories', () => {
    expect(constructing(() => new GenGS({ base: new Categorical({ logits: [0, 1, 2] }), trunc: 2 }))).toThrow(RangeError);
    expect(constructing(() => new GenGS({ base: new GenGS({ logits: [0, 1] }) }))).toThrow(TypeError);
    expect(constructing(() => new GenGS({ base: new Bernoulli({ probs: 0.3 }), tau: 0.5 }))).not.toThrow();
  });
});

describe('implicit form', () => {
  it('π = softmax(logits) over lo..hi; trunc must match the number of cells', () => {
    const [probs, draws, key] = tf.tidy(() => {
      const g = new GenGS({ logits: [1, 0, 2, -1], trunc: [3, 6], tau: 0.2 });
      return [Array.from(g.probs.dataSync()), Array.from(g.rsample(new RandomStream(3), [100]).dataSync()), g.cellsKey];
    });
    softmax([1, 0, 2, -1]).forEach((p, k) => expect(probs[k]).toBeCloseTo(p, 6));
    expect(draws.every((v) => v >= 3 && v <= 6)).toBe(true);
    expect(key).toBe('3..6');
    expect(constructing(() => new GenGS({ logits: [1, 0, 2], trunc: 5 }))).toThrow(RangeError);
    expect(constructing(() => new GenGS({}))).toThrow(TypeError);
  });
});

describe('logProb (decision: log mass of the truncated distribution at the rounded value)', () => {
  it('rounds to the nearest cell and gives -inf outside the cells', () => {
    const lp = tf.tidy(() =>
      Array.from(new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10 }).logProb(tf.tensor([2.4, 2.6, -0.6, 9.6])).dataSync()),
    );
    expect(lp[0]).toBeCloseTo(Math.log(POISSON3_PI[2]), 5);
    expect(lp[1]).toBeCloseTo(Math.log(POISSON3_PI[3]), 5);
    expect(lp[2]).toBe(-Infinity);
    expect(lp[3]).toBe(-Infinity);
  });
});

describe('stability and gradients', () => {
  for (const tau of [1, 0.1, 0.01]) {
    it(`τ = ${tau}: draws, log-probs and gradients are finite (explicit λ, implicit logits ±100)`, () => {
      tf.tidy(() => {
        const rng = (): RandomStream => new RandomStream(21);
        const explicit = (rate: tf.Tensor): tf.Scalar => {
          const g = new GenGS({ base: new Poisson({ rate }), trunc: 20, tau });
          const v = g.rsample(rng(), [64]);
          return tf.add(tf.sum(tf.square(tf.sub(v, 4))), tf.sum(g.logProb(v))) as tf.Scalar;
        };
        const implicit = (logits: tf.Tensor): tf.Scalar => {
          const g = new GenGS({ logits, tau, hard: tau < 0.05 });
          return tf.sum(tf.square(g.rsample(rng(), [64]))) as tf.Scalar;
        };
        const a = tf.valueAndGrad(explicit)(tf.tensor([2, 7.5]));
        const b = tf.valueAndGrad(implicit)(tf.tensor([100, -100, 0, 3]));
        expect(finite(a.value.dataSync()) && finite(a.grad.dataSync())).toBe(true);
        expect(finite(b.value.dataSync()) && finite(b.grad.dataSync())).toBe(true);
      });
    });
  }

  it('the straight-through gradient equals the relaxed gradient (same noise)', () => {
    const [soft, hard] = tf.tidy(() =>
      [false, true].map((h) => {
        const f = (rate: tf.Tensor): tf.Scalar =>
          tf.sum(new GenGS({ base: new Poisson({ rate }), trunc: 12, tau: 0.5, hard: h }).rsample(new RandomStream(6), [32])) as tf.Scalar;
        return tf.grad(f)(tf.scalar(3)).dataSync()[0];
      }),
    );
    expect(Number.isFinite(soft)).toBe(true);
    expect(hard).toBeCloseTo(soft, 4);
  });

  it('the pathwise gradient of E[T] approaches d E[Z]/dλ at small τ', () => {
    // d/dλ E[Z_n] for the truncated Poisson: Σ_k k dπ_k/dλ, by central differences of the float64 pmf.
    const meanAt = (lambda: number): number => {
      let p = Math.exp(-lambda);
      let head = 0;
      let m = 0;
      for (let k = 0; k < 29; k++) {
        m += k * p;
        head += p;
        p *= lambda / (k + 1);
      }
      return m + 29 * (1 - head);
    };
    const exact = (meanAt(4 + 1e-5) - meanAt(4 - 1e-5)) / 2e-5;
    const g = tf.tidy(() => {
      const f = (rate: tf.Tensor): tf.Scalar =>
        tf.mean(new GenGS({ base: new Poisson({ rate }), trunc: 30, tau: 0.1 }).rsample(new RandomStream(9), [4000])) as tf.Scalar;
      return tf.grad(f)(tf.scalar(4)).dataSync()[0];
    });
    // The relaxation is biased at τ > 0; a 15% band still fails for a wrong or missing gradient.
    expect(Math.abs(g - exact) / exact).toBeLessThan(0.15);
  });

  it('leaves no tensors behind inside tf.tidy', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const g = new GenGS({ base: new Poisson({ rate: [2, 3] }), trunc: [1, 12], tau: 0.3, hard: true });
      g.logProb(g.rsample(new RandomStream(1), [4]));
      g.mean();
      g.entropy();
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
