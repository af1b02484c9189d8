// lgamma / digamma / logFactorial / logBinomial (float32 tensors) against float64 references, and the float64
// reference itself against known constants.
import { describe, expect, it } from 'vitest';
import { digamma, lgamma, lgamma64, logBinomial, logBinomial64, logFactorial, logFactorial64 } from '../../stdlib/special/gamma.js';
import { tf } from '../../stdlib/tf.js';
import { logFact } from './helpers/reference-pmf.js';

const EULER_GAMMA = 0.5772156649015329;

describe('lgamma64 (float64 reference)', () => {
  it('matches known values', () => {
    expect(lgamma64(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma64(1)).toBeCloseTo(0, 13);
    expect(lgamma64(2)).toBeCloseTo(0, 13);
    // log Γ(1e-3) = -log(1e-3) - γ·1e-3 + O(1e-6) (series of log Γ(1 + x)); 6.907755279 - 0.000577216 + 8.2e-7.
    expect(lgamma64(1e-3)).toBeCloseTo(6.9071788853, 8);
    for (const n of [3, 10, 50, 170]) expect(Math.abs(lgamma64(n) - logFact(n - 1)) / logFact(n - 1)).toBeLessThan(1e-13);
    // Stirling with four terms at 1e6 is exact to float64 rounding.
    const x = 1e6;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
    expect(Math.abs(lgamma64(x) - stirling) / stirling).toBeLessThan(1e-14);
  });

  it('logFactorial64 and logBinomial64 agree with sums of logs', () => {
    for (const k of [0, 1, 7, 255, 256, 1000]) expect(logFactorial64(k)).toBeCloseTo(logFact(k), 8);
    expect(logBinomial64(10, 3)).toBeCloseTo(Math.log(120), 12);
  });
});

describe('lgamma (float32 tensor)', () => {
  it('is within 1e-5·max(1, |log Γ|) of float64 from 1e-3 to 1e6', () => {
    // The relative error is measured against max(1, |log Γ(x)|): log Γ has zeros at 1 and 2, where only an
    // absolute error makes sense. Inputs are float32-rounded before the reference is taken.
    const xs: number[] = [];
    for (let e = -3; e <= 6; e += 0.005) xs.push(Math.fround(10 ** e));
    xs.push(1, 2, 3, 0.5, 1.5, 2.5, 7.5, 8, 8.5);
    const got = tf.tidy(() => Array.from(lgamma(tf.tensor(xs)).dataSync()));
    let worst = 0;
    xs.forEach((x, i) => {
      const ref = lgamma64(x);
      worst = Math.max(worst, Math.abs(got[i] - ref) / Math.max(1, Math.abs(ref)));
    });
    expect(worst).toBeLessThan(1e-5);
  });

  it('has gradient digamma, and digamma matches known values', () => {
    const xs = [1e-3, 0.5, 1, 2.5, 10, 1000];
    // ψ(1) = -γ, ψ(1/2) = -γ - 2 log 2, ψ(n + 1/2) and ψ(n) from the recurrence ψ(x+1) = ψ(x) + 1/x.
    const psi05 = -EULER_GAMMA - 2 * Math.log(2);
    const psi25 = psi05 + 1 / 0.5 + 1 / 1.5;
    let psi10 = -EULER_GAMMA;
    for (let k = 1; k < 10; k++) psi10 += 1 / k;
    const known = [NaN, psi05, -EULER_GAMMA, psi25, psi10, NaN];
    const [grad, dig] = tf.tidy(() => {
      const x = tf.tensor(xs);
      return [Array.from(tf.grad((t: tf.Tensor) => tf.sum(lgamma(t)))(x).dataSync()), Array.from(digamma(x).dataSync())];
    });
    xs.forEach((x, i) => {
      // Central differences of the float64 reference: an independent derivative.
      const h = 1e-5 * x;
      const fd = (lgamma64(x + h) - lgamma64(x - h)) / (2 * h);
      const scale = Math.max(1, Math.abs(fd));
      expect(Math.abs(dig[i] - fd) / scale).toBeLessThan(2e-5);
      expect(Math.abs(grad[i] - fd) / scale).toBeLessThan(2e-5);
      if (!Number.isNaN(known[i])) expect(Math.abs(dig[i] - known[i])).toBeLessThan(2e-6);
    });
  });

  it('logFactorial and logBinomial match float64 sums of logs', () => {
    const [lf, lb] = tf.tidy(() => [
      Array.from(logFactorial(tf.tensor([0, 1, 5, 20, 100])).dataSync()),
      Array.from(logBinomial(tf.tensor([10, 20, 50]), tf.tensor([3, 0, 25])).dataSync()),
    ]);
    [0, 1, 5, 20, 100].forEach((k, i) => expect(Math.abs(lf[i] - logFact(k))).toBeLessThan(1e-5 * Math.max(1, logFact(k))));
    const expected = [Math.log(120), 0, logFact(50) - 2 * logFact(25)];
    expected.forEach((e, i) => expect(Math.abs(lb[i] - e)).toBeLessThan(1e-4));
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor([0.5, 3]);
    lgamma(x).dispose();
    digamma(x).dispose();
    logBinomial(x, 0.5).dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
