import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../stdlib/random.js';
import { loadMnist, MNIST_SIZE } from '../../runtime/data/mnist.js';
import { loadFashionMnist } from '../../runtime/data/fashion-mnist.js';
import { loadImagePackage, resolvePackageDir } from '../../runtime/data/image-package.js';
import { loadDataset, describeDatasets } from '../../runtime/data/registry.js';
import { splitDataset } from '../../runtime/data/split.js';
import { permutation } from '../../runtime/data/js-random.js';
import type { Dataset } from '../../runtime/data/dataset.js';

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i];
    s2 += values[i] * values[i];
  }
  const mean = s / values.length;
  return { mean, variance: s2 / values.length - mean * mean };
}

describe('MNIST', () => {
  const mnist = loadMnist();
  it('holds the 10,000 digits of the mnist package in [0, 1], every class present', () => {
    expect(mnist.size).toBe(MNIST_SIZE);
    expect(mnist.columns.x.rowShape).toEqual([784]);
    expect(mnist.features).toEqual(['x']);
    let min = Infinity;
    let max = -Infinity;
    for (const v of mnist.columns.x.values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
    const counts = new Array<number>(10).fill(0);
    for (const l of mnist.columns.label.values) counts[l]++;
    expect(counts.every((c) => c > 800 && c < 1200)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(MNIST_SIZE);
  });

  it('binarizes at the fixed threshold 0.5', () => {
    const bin = loadMnist({ binarized: true, classes: [3] });
    const grey = loadMnist({ classes: [3] });
    expect(bin.size).toBe(grey.size);
    const g = grey.columns.x.values;
    const b = bin.columns.x.values;
    for (let i = 0; i < g.length; i++) if (b[i] !== (g[i] > 0.5 ? 1 : 0)) throw new Error(`pixel ${i}: ${g[i]} -> ${b[i]}`);
    expect(b.some((v) => v === 1) && b.some((v) => v === 0)).toBe(true);
  });
});

describe('Fashion-MNIST', () => {
  it('loads a class of the optional package, 7,000 images scaled to [0, 1]', () => {
    const d = loadFashionMnist({ classes: [1] });
    expect(d.size).toBe(7000);
    expect(Array.from(new Set(d.columns.label.values))).toEqual([1]);
    expect(Math.max(...d.columns.x.values.subarray(0, 784 * 50))).toBeLessThanOrEqual(1);
    expect(d.columns.x.values.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('skips the two empty entries shipped in class 0', () => {
    expect(loadFashionMnist({ classes: [0] }).size).toBe(7000);
  });

  it('says clearly when a package is not installed', () => {
    expect(resolvePackageDir('sgm-no-such-package')).toBeUndefined();
    expect(() =>
      loadImagePackage({ pkg: 'sgm-no-such-package', folder: 'x', name: 'demo', missingHint: 'demo needs the optional package', decode: () => new Float32Array(0) }),
    ).toThrow('demo needs the optional package');
  });
});

describe('synthetic data', () => {
  it('draws Poisson, Binomial, NegativeBinomial and Multinomial with the right moments', () => {
    const cases: Array<[string, number, number]> = [
      ['synthetic:poisson?rate=20&count=20000', 20, 20],
      ['synthetic:poisson?rate=3.5&count=20000&seed=4', 3.5, 3.5],
      ['synthetic:binomial?trials=20&p=0.3&count=20000', 6, 4.2],
      // torch convention: mean r p / (1 - p), variance r p / (1 - p)^2.
      ['synthetic:negbinomial?r=3&p=0.4&count=20000', 2, 10 / 3],
    ];
    for (const [spec, mean, variance] of cases) {
      const d = loadDataset(spec);
      const m = moments(d.columns.x.values);
      expect(Math.abs(m.mean - mean), spec).toBeLessThan(4 * Math.sqrt(variance / 20000));
      expect(Math.abs(m.variance / variance - 1), spec).toBeLessThan(0.06);
      expect(d.columns.x.values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    }
    const mult = loadDataset('synthetic:multinomial?count=5000');
    expect(mult.columns.x.rowShape).toEqual([3]);
    const x = mult.columns.x.values;
    const totals = [0, 0, 0];
    for (let i = 0; i < 5000; i++) {
      expect(x[3 * i] + x[3 * i + 1] + x[3 * i + 2]).toBe(3);
      for (let k = 0; k < 3; k++) totals[k] += x[3 * i + k];
    }
    [0.7, 0.2, 0.1].forEach((p, k) => expect(Math.abs(totals[k] / 15000 - p)).toBeLessThan(0.015));
  });

  it('is a function of the seed', () => {
    const a = loadDataset('synthetic:poisson?count=50&seed=1').columns.x.values;
    expect(Array.from(loadDataset('synthetic:poisson?count=50&seed=1').columns.x.values)).toEqual(Array.from(a));
    expect(Array.from(loadDataset('synthetic:poisson?count=50&seed=2').columns.x.values)).not.toEqual(Array.from(a));
  });

  it('makes a bag-of-words corpus from a known topic model and returns its topics', () => {
    const d = loadDataset('synthetic:lda?topics=3&vocab=12&docs=40&length=30');
    expect(d.columns.x.rowShape).toEqual([12]);
    expect(d.size).toBe(40);
    const x = d.columns.x.values;
    for (let doc = 0; doc < 40; doc++) expect(x.subarray(doc * 12, doc * 12 + 12).reduce((a, b) => a + b, 0)).toBe(30);
    const topics = d.truth!.topics;
    expect(topics.shape).toEqual([3, 12]);
    for (let t = 0; t < 3; t++) expect(topics.values.subarray(t * 12, t * 12 + 12).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(d.truth!.proportions.shape).toEqual([40, 3]);
    // Word frequencies follow the mixture Σ_d θ_d φ: compare the corpus totals with their expectation.
    const expected = new Array<number>(12).fill(0);
    const observed = new Array<number>(12).fill(0);
    for (let doc = 0; doc < 40; doc++) {
      for (let w = 0; w < 12; w++) {
        observed[w] += x[doc * 12 + w];
        for (let t = 0; t < 3; t++) expected[w] += 30 * d.truth!.proportions.values[doc * 3 + t] * topics.values[t * 12 + w];
      }
    }
    for (let w = 0; w < 12; w++) expect(Math.abs(observed[w] - expected[w])).toBeLessThan(5 * Math.sqrt(expected[w]) + 1);
  });
});

describe('split', () => {
  const data: Dataset = loadDataset('synthetic:poisson?count=1000');
  it('is deterministic by seed, disjoint and complete', () => {
    const a = splitDataset(data, { testFraction: 0.1, seed: 0 });
    const b = splitDataset(data, { testFraction: 0.1, seed: 0 });
    const c = splitDataset(data, { testFraction: 0.1, seed: 1 });
    expect(a.train.size).toBe(900);
    expect(a.test!.size).toBe(100);
    expect(Array.from(b.test!.columns.x.values)).toEqual(Array.from(a.test!.columns.x.values));
    expect(Array.from(c.test!.columns.x.values)).not.toEqual(Array.from(a.test!.columns.x.values));
    const all = [...a.train.columns.x.values, ...a.test!.columns.x.values].sort((p, q) => p - q);
    expect(all).toEqual(Array.from(data.columns.x.values).sort((p, q) => p - q));
    expect(splitDataset(data, { testFraction: 0, seed: 0 }).test).toBeUndefined();
  });

  it('uses a uniform permutation', () => {
    const p = permutation(10, new RandomStream(3));
    expect(Array.from(p).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Position of element 0 over many permutations is uniform on 0..9.
    const hits = new Array<number>(10).fill(0);
    const s = new RandomStream(4);
    for (let i = 0; i < 5000; i++) hits[permutation(10, s).indexOf(0)]++;
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(90);
  });
});

describe('registry', () => {
  it('explains unknown names, parameters and extensions in one line', () => {
    expect(() => loadDataset('mnits')).toThrow(
      "unknown dataset 'mnits': use one of mnist, mnist-binarized, mnist-halves, none, fashion-mnist, synthetic:poisson, synthetic:binomial, synthetic:multinomial, synthetic:negbinomial, synthetic:lda, or a path to a .csv, .json or .npy file",
    );
    expect(() => loadDataset('synthetic:poisson?rat=3')).toThrow("unknown parameter 'rat' for dataset 'synthetic:poisson' (expected rate, count, seed)");
    expect(() => loadDataset('synthetic:poisson?rate=abc')).toThrow('dataset parameter rate=abc is not a number');
    expect(() => loadDataset('synthetic:poisson?rate=-1')).toThrow('synthetic data: rate must be a finite number > 0, got -1');
    expect(() => loadDataset('data/x.parquet')).toThrow("cannot load 'data/x.parquet': data files must end in .csv, .json, .npy");
    expect(() => loadDataset('mnist?classes=12')).toThrow('mnist: classes must be whole numbers from 0 to 9, got 12');
    // Object.prototype's names are neither datasets nor parameters (issue 12 item 5).
    expect(() => loadDataset('constructor')).toThrow(/^unknown dataset 'constructor': use one of mnist/);
    expect(() => loadDataset('synthetic:poisson?constructor=3')).toThrow("unknown parameter 'constructor' for dataset 'synthetic:poisson'");
    expect(() => loadDataset('synthetic:poisson?__proto__=3')).toThrow("unknown parameter '__proto__' for dataset 'synthetic:poisson'");
  });

  it('describes every dataset with its defaults', () => {
    const lines = describeDatasets();
    expect(lines).toContain('synthetic:poisson?rate=20&count=1000&seed=0: i.i.d. Poisson(rate) draws, column x: [count]');
    expect(lines).toHaveLength(10);
  });

  it('splits binarized digits into upper and lower halves for structured output prediction', () => {
    const whole = loadDataset('mnist-binarized?classes=3');
    const halves = loadDataset('mnist-halves?classes=3');
    expect(halves.features).toEqual(['upper', 'lower']);
    expect(halves.size).toBe(whole.size);
    const r = 7;
    const x = whole.columns.x.values.subarray(r * 784, (r + 1) * 784);
    expect(Array.from(halves.columns.upper.values.subarray(r * 392, (r + 1) * 392))).toEqual(Array.from(x.subarray(0, 392)));
    expect(Array.from(halves.columns.lower.values.subarray(r * 392, (r + 1) * 392))).toEqual(Array.from(x.subarray(392)));
  });

  it("offers 'none' for models without data: rows but no features", () => {
    const none = loadDataset('none?count=12');
    expect(none.size).toBe(12);
    expect(none.features).toEqual([]);
    expect(() => loadDataset('none?count=0')).toThrow("dataset 'none': count must be a positive integer, got 0");
  });
});
