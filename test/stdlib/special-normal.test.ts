// Normal log-cdf / cdf / Mills ratio (float32 tfjs and float64 JS) against scipy.special.log_ndtr / ndtr / erfcx.
import { describe, expect, it } from 'vitest';
import {
  erfcx64,
  normalCdf,
  normalCdf64,
  normalLogCdf,
  normalLogCdf64,
  normalLogPdf64,
  normalMillsRatio,
  normalMillsRatio64,
} from '../../stdlib/special/normal.js';
import { tf } from '../../stdlib/tf.js';

// [x, log Φ(x), Φ(x)] from scipy 1.17 (log_ndtr, ndtr), float64.
const SCIPY: readonly (readonly [number, number, number])[] = [
  [-1e4, -50000010.12927892, 0],
  [-200, -20006.21728089819, 0],
  [-40, -804.6084420137539, 0],
  [-38.5, -745.6952702904113, 0],
  [-10, -53.23128515051248, 7.61985302416047e-24],
  [-5, -15.064998393988727, 2.866515718791933e-7],
  [-3.3, -7.634616148071127, 0.00048342414238377744],
  [-2, -3.7831843336820317, 0.022750131948179195],
  [-1, -1.8410216450092634, 0.15865525393145707],
  [-0.5, -1.1759117615936188, 0.3085375387259869],
  [0, -0.6931471805599453, 0.5],
  [0.3, -0.4814101615884813, 0.6179114221889526],
  [1, -0.1727537790234499, 0.8413447460685429],
  [2.5, -0.00622902548586, 0.9937903346742238],
  [5, -2.8665161296376294e-7, 0.9999997133484281],
  [8, -6.220960574271742e-16, 0.9999999999999993],
  [9, -1.1285884059538324e-19, 1],
  [12, -1.776482112077653e-33, 1],
];
// [z, erfcx(z)] from scipy.special.erfcx.
const ERFCX: readonly (readonly [number, number])[] = [
  [0, 1],
  [0.1, 0.8964569799691268],
  [1, 0.427583576155807],
  [2.4, 0.21849873453703333],
  [2.6, 0.20361324735670924],
  [3, 0.17900115118138998],
  [5, 0.11070463773306861],
  [10, 0.05614099274382259],
  [100, 0.005641613782989433],
];

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
// What float32 can promise for log Φ(x): in the upper tail log Φ ≈ -Φ(-x) has condition number ≈ x² in
// x (a 6e-8 relative rounding of x moves it by ~x² · 6e-8), plus the 1.2e-7 error of the erfc fit.
const f32Tol = (x: number): number => 3e-7 + (x > 0 ? 1.2e-7 * x * x : 0);

describe('float64 normal functions', () => {
  it('erfcx64 (Chebyshev table) matches scipy to 1e-11 relative from z = 0 to z = 100', () => {
    for (const [z, want] of ERFCX) expect(rel(erfcx64(z), want)).toBeLessThan(1e-11);
  });

  it('normalLogCdf64 and normalCdf64 match scipy in both tails', () => {
    for (const [x, logCdf, cdf] of SCIPY) {
      // 1 - erf near the series/continued-fraction switch (z = 2.5) costs ~3 digits: 1e-13, not 1e-16.
      expect(rel(normalLogCdf64(x), logCdf)).toBeLessThan(2e-13);
      if (cdf > 0) expect(rel(normalCdf64(x), cdf)).toBeLessThan(5e-13);
    }
  });

  it('normalMillsRatio64 is φ/Φ, ≈ -x + 1/(-x) in the far lower tail', () => {
    for (const x of [-3, -0.7, 0, 0.4, 2, 6]) {
      const direct = Math.exp(normalLogPdf64(x)) / normalCdf64(x);
      expect(rel(normalMillsRatio64(x), direct)).toBeLessThan(1e-13);
    }
    // Asymptotic series λ(x) = -x + 1/(-x) - 2/(-x)³ + 10/(-x)⁵ - ...; at x = -1000 the truncation is ~1e-16.
    const x = -1000;
    expect(rel(normalMillsRatio64(x), -x + 1 / -x - 2 / (-x) ** 3)).toBeLessThan(1e-14);
  });
});

describe('float32 normal functions (tfjs)', () => {
  it('normalLogCdf matches scipy with float32 relative accuracy from x = -1e4 to x = 12', () => {
    const xs = SCIPY.map((r) => r[0]);
    const got = tf.tidy(() => Array.from(normalLogCdf(tf.tensor1d(xs)).dataSync()));
    SCIPY.forEach(([x, want], i) => expect(rel(got[i], want)).toBeLessThan(f32Tol(x)));
  });

  it('normalCdf keeps relative accuracy in the lower tail (until float32 underflow)', () => {
    const rows = SCIPY.filter(([x]) => x >= -10);
    const got = tf.tidy(() => Array.from(normalCdf(tf.tensor1d(rows.map((r) => r[0]))).dataSync()));
    rows.forEach(([, , want], i) => expect(rel(got[i], want)).toBeLessThan(2e-6));
  });

  it('the gradient of normalLogCdf is the Mills ratio, finite everywhere, ≈ -x in the far lower tail', () => {
    const xs = [-1e4, -200, -40, -5, -1, 0, 1, 5, 12, 40];
    const grad = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(normalLogCdf(x)))(tf.tensor1d(xs)).dataSync()));
    xs.forEach((x, i) => {
      expect(Number.isFinite(grad[i])).toBe(true);
      expect(rel(grad[i], normalMillsRatio64(x)) < 1e-5 || Math.abs(grad[i] - normalMillsRatio64(x)) < 1e-12).toBe(true);
    });
    const mills = tf.tidy(() => Array.from(normalMillsRatio(tf.tensor1d(xs)).dataSync()));
    mills.forEach((m, i) => expect(rel(m, normalMillsRatio64(xs[i])) < 1e-5 || m < 1e-12).toBe(true));
  });

  it('matches the float64 version on a dense grid (float32 relative accuracy on log Φ)', () => {
    const xs = Array.from({ length: 801 }, (_, i) => -60 + i * 0.09);
    const got = tf.tidy(() => Array.from(normalLogCdf(tf.tensor1d(xs)).dataSync()));
    xs.forEach((x, i) => {
      const want = normalLogCdf64(x);
      expect(rel(got[i], want)).toBeLessThanOrEqual(f32Tol(x));
    });
  });
});
