// The continuous families of issue 16 beyond the fixture table: implicit reparameterization gradients of Gamma,
// Beta, Dirichlet and StudentT's df checked as d E[g(z)]/dθ (the mean of per-draw gradients, within 4 standard
// errors) against the derivative of E[g(z)] in closed form (float64, helpers/float64-ref.ts); the log-space Gamma
// sampler at tiny concentrations; supports; the multivariate Normal's covariance.
import { describe, expect, it } from 'vitest';
import { Beta } from '../../stdlib/distributions/beta.js';
import { UniformSource } from '../../stdlib/distributions/count-samplers.js';
import { Dirichlet } from '../../stdlib/distributions/dirichlet.js';
import { Exponential } from '../../stdlib/distributions/exponential.js';
import { sampleLogGamma } from '../../stdlib/distributions/gamma-sampler.js';
import { Gamma } from '../../stdlib/distributions/gamma.js';
import { HalfNormal } from '../../stdlib/distributions/half-normal.js';
import { MultivariateNormal } from '../../stdlib/distributions/multivariate-normal.js';
import { StudentT } from '../../stdlib/distributions/student-t.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { digammaRef, matmul, transpose, trigammaRef } from './helpers/float64-ref.js';

const N = 20000;

/** Mean and standard error of per-draw values. */
function meanSe(xs: ArrayLike<number>): { mean: number; se: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i] - m) ** 2;
  return { mean: m, se: Math.sqrt(v / (n - 1) / n) };
}

/**
 * Per-draw gradients of g(draw) with respect to one parameter: the parameter is given as N equal copies (one per
 * draw), so the gradient of Σ g(draw_i) with respect to copy i is draw i's own gradient.
 */
function perDrawGradients(value: number, build: (theta: tf.Tensor) => tf.Tensor, g: (z: tf.Tensor) => tf.Tensor): Float32Array {
  return tf.tidy(() => {
    const theta = tf.fill([N], value);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(g(build(t))))(theta);
    return grad.dataSync() as Float32Array;
  });
}

function expectWithin4Se(grads: Float32Array, expected: number): void {
  const { mean, se } = meanSe(grads);
  expect(grads.every(Number.isFinite)).toBe(true);
  expect(Math.abs(mean - expected), `mean ${mean} vs ${expected} (se ${se})`).toBeLessThanOrEqual(4 * se + 1e-6);
}

describe('implicit reparameterization gradients: d E[g(z)]/dθ against closed forms', () => {
  for (const alpha of [0.3, 2.5, 30]) {
    it(`Gamma(α = ${alpha}, β = 1.5): dE[z]/dα = 1/β and dE[log z]/dα = ψ'(α)`, () => {
      const rate = 1.5;
      const draw = (seed: number) => (a: tf.Tensor) => new Gamma({ concentration: a, rate }).rsample(new RandomStream(seed));
      expectWithin4Se(perDrawGradients(alpha, draw(11), (z) => z), 1 / rate);
      expectWithin4Se(perDrawGradients(alpha, draw(12), (z) => tf.log(z)), trigammaRef(alpha));
    });
  }

  it('Beta(a = 0.5, b = 2): dE[x]/da = b/(a+b)², dE[x]/db = -a/(a+b)², dE[log x]/da = ψ\'(a) - ψ\'(a+b)', () => {
    const [a, b] = [0.5, 2];
    const withA = (seed: number) => (t: tf.Tensor) => new Beta({ concentration1: t, concentration0: b }).rsample(new RandomStream(seed));
    const withB = (t: tf.Tensor) => new Beta({ concentration1: a, concentration0: t }).rsample(new RandomStream(22));
    expectWithin4Se(perDrawGradients(a, withA(21), (x) => x), b / (a + b) ** 2);
    expectWithin4Se(perDrawGradients(b, withB, (x) => x), -a / (a + b) ** 2);
    expectWithin4Se(perDrawGradients(a, withA(23), (x) => tf.log(x)), trigammaRef(a) - trigammaRef(a + b));
  });

  it('Dirichlet(α = [0.4, 1.5, 2]): dE[x₀]/dα_j = (δ₀ⱼ α₀ - α₀ⱼ... ) in closed form, for every j', () => {
    const alpha = [0.4, 1.5, 2];
    const a0 = alpha.reduce((s, v) => s + v, 0);
    for (let j = 0; j < 3; j++) {
      const grads = tf.tidy(() => {
        const conc = tf.tensor2d(Array.from({ length: N }, () => alpha));
        const g = tf.grad((c: tf.Tensor) => tf.sum(tf.slice(new Dirichlet({ concentration: c }).rsample(new RandomStream(30 + j)), [0, 0], [N, 1])))(conc);
        return tf.slice(g, [0, j], [N, 1]).dataSync() as Float32Array;
      });
      // E[x₀] = α₀/Σα: d/dα_j = (δ₀ⱼ Σα - α₀)/(Σα)².
      expectWithin4Se(grads, ((j === 0 ? a0 : 0) - alpha[0]) / (a0 * a0));
    }
  });

  it("StudentT(df = 9): dE[x²]/dν = -2σ²/(ν-2)² through the Gamma's implicit gradient", () => {
    const draw = (t: tf.Tensor) => new StudentT({ df: t, scale: 1.5 }).rsample(new RandomStream(41));
    expectWithin4Se(perDrawGradients(9, draw, (x) => tf.square(x)), (-2 * 1.5 * 1.5) / 49);
  });
});

describe('broadcast parameters', () => {
  it("a scalar concentration's gradient is the sum of the per-draw gradients it broadcast to", () => {
    const [whole, parts] = tf.tidy(() => {
      const draw = (a: tf.Tensor) => new Gamma({ concentration: a, rate: [1, 2, 3, 4] }).rsample(new RandomStream(9), [5]);
      const g1 = tf.grad((a: tf.Tensor) => tf.sum(tf.square(draw(a))))(tf.scalar(1.7));
      // The same draws with α given per element: the broadcast gradient must be their sum.
      const g2 = tf.grad((a: tf.Tensor) => tf.sum(tf.square(draw(a))))(tf.fill([4], 1.7));
      return [g1.dataSync()[0], Array.from(g2.dataSync())];
    });
    expect(parts.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
    expect(whole).toBeCloseTo(parts.reduce((s, v) => s + v, 0), 3);
  });
});

describe('the log-space Gamma sampler', () => {
  for (const alpha of [0.02, 0.3, 1, 7]) {
    it(`log z of Gamma(${alpha}) has mean ψ(α) and variance ψ'(α) (4 standard errors)`, () => {
      const src = new UniformSource(new RandomStream(7));
      const logs = Float64Array.from({ length: N }, () => sampleLogGamma(alpha, src));
      const { mean, se } = meanSe(logs);
      expect(Math.abs(mean - digammaRef(alpha))).toBeLessThanOrEqual(4 * se);
      const varLog = meanSe(logs.map((l) => (l - digammaRef(alpha)) ** 2));
      expect(Math.abs(varLog.mean - trigammaRef(alpha))).toBeLessThanOrEqual(4 * varLog.se);
    });
  }

  it('tiny concentrations give finite positive draws, finite densities and finite gradients', () => {
    tf.tidy(() => {
      const rng = new RandomStream(3);
      const g = new Gamma({ concentration: [0.01, 0.001], rate: 1 });
      const z = g.rsample(rng, [500]);
      expect(Array.from(z.dataSync()).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      expect(Array.from(g.logProb(z).dataSync()).every(Number.isFinite)).toBe(true);
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.log(new Gamma({ concentration: a, rate: 1 }).rsample(new RandomStream(4), [200]))))(tf.tensor1d([0.01, 0.05]));
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      const d = new Dirichlet({ concentration: [0.01, 0.01, 0.01] }).rsample(rng, [200]);
      const sums = Array.from(tf.sum(d, -1).dataSync());
      expect(sums.every((s) => Math.abs(s - 1) < 1e-5)).toBe(true);
      expect(Array.from(d.dataSync()).every((v) => v > 0)).toBe(true);
    });
  });
});

describe('supports', () => {
  it('log densities are -Infinity outside the support, without NaN gradients', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-1, 0, 0.5]);
      const lp = (d: { logProb: (v: tf.Tensor) => tf.Tensor }) => Array.from(d.logProb(x).dataSync());
      expect(lp(new Gamma({ concentration: 2, rate: 1 })).slice(0, 2)).toEqual([-Infinity, -Infinity]);
      expect(lp(new Beta({ concentration1: 2, concentration0: 3 })).slice(0, 2)).toEqual([-Infinity, -Infinity]);
      expect(lp(new HalfNormal({ scale: 1 }))[0]).toBe(-Infinity);
      expect(lp(new Exponential({ rate: 1 }))[0]).toBe(-Infinity);
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.where(tf.tensor1d([false, false, true]), new Gamma({ concentration: a, rate: 1 }).logProb(x), tf.zeros([3]))))(tf.scalar(2));
      expect(Number.isFinite(grad.dataSync()[0])).toBe(true);
    });
  });
});

describe('MultivariateNormal', () => {
  it('the sample covariance of 20,000 draws is L Lᵀ (each entry within 4 standard errors)', () => {
    const L = [
      [1, 0, 0],
      [0.5, 2, 0],
      [-0.3, 0.2, 0.7],
    ];
    const cov = matmul(L, transpose(L));
    const draws = tf.tidy(() => new MultivariateNormal({ loc: [1, -1, 0.5], scale_tril: L }).sample(new RandomStream(8), [N]).arraySync() as number[][]);
    const mean = [0, 1, 2].map((i) => draws.reduce((s, r) => s + r[i], 0) / N);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j <= i; j++) {
        const c = draws.reduce((s, r) => s + (r[i] - mean[i]) * (r[j] - mean[j]), 0) / (N - 1);
        // Var of a Gaussian product (x_i x_j) is Σii Σjj + Σij²: the standard error of the covariance estimate.
        const se = Math.sqrt((cov[i][i] * cov[j][j] + cov[i][j] ** 2) / N);
        expect(Math.abs(c - cov[i][j]), `cov[${i}][${j}]`).toBeLessThanOrEqual(4 * se);
      }
    }
  });

  it('reads only the lower triangle of scale_tril and broadcasts a batch of factors against one mean', () => {
    tf.tidy(() => {
      const upper = new MultivariateNormal({ loc: [0, 0], scale_tril: [[1, 99], [0.5, 2]] });
      const lower = new MultivariateNormal({ loc: [0, 0], scale_tril: [[1, 0], [0.5, 2]] });
      const x = tf.tensor1d([0.3, -0.4]);
      expect(upper.logProb(x).dataSync()[0]).toBeCloseTo(lower.logProb(x).dataSync()[0], 6);
      const batch = new MultivariateNormal({ loc: [0, 0], scale_tril: [[[1, 0], [0, 1]], [[2, 0], [0, 2]]] });
      expect(batch.batchShape).toEqual([2]);
      expect(batch.rsample(new RandomStream(1), [5]).shape).toEqual([5, 2, 2]);
      expect(Array.from(batch.logProb(tf.zeros([2])).dataSync())).toEqual([expect.closeTo(-Math.log(2 * Math.PI), 5), expect.closeTo(-Math.log(2 * Math.PI) - 2 * Math.log(2), 5)]);
    });
  });
});
