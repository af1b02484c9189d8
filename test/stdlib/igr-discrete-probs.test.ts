// Proposition 2 (discrete recovery of IGR-I; docs/math.md section 5): the math.md vector (equal σ), scipy's adaptive
// quad with UNEQUAL σ, an independent fine Simpson rule written here, log-space extremes, the batched tensor
// API; Proposition 1's hard map; Monte Carlo recovery.
import { describe, expect, it } from 'vitest';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import {
  igrDiscreteLogProbs,
  igrDiscreteProbs,
  igrDiscreteProbsMonteCarlo,
  igrHard,
} from '../../stdlib/igr/discrete-recovery.js';
import { RandomStream } from '../../stdlib/random.js';
import { normalCdf64, normalLogCdf64 } from '../../stdlib/special/normal.js';
import { tf } from '../../stdlib/tf.js';

// scipy.integrate.quad (QUADPACK, epsabs 1e-15, epsrel 1e-13, breakpoints at μ_j + aσ_j) of the t-integral of
// Proposition 2 with the same t in every Φ; the last entry is Π Φ(-μ_j/σ_j). Rows sum to 1 within 1e-15.
const SCIPY: readonly { mu: number[]; sigma: number[]; p: number[] }[] = [
  { mu: [0.5, -0.3, 0.1], sigma: [0.3, 1.7, 0.8], p: [0.459178922663986, 0.287719875105419, 0.24083503102009, 0.0122661712105055] },
  {
    mu: [1.2, 0.4, -0.6, 2.0, 0.0],
    sigma: [0.5, 2.5, 1.0, 0.2, 1.3],
    p: [0.0484195604223621, 0.255404970347911, 0.00376138235946944, 0.642535095909734, 0.0498789909605241, 9.89259404937066e-27],
  },
  { mu: [-1.0, -2.0, -0.5], sigma: [0.1, 3.0, 0.6], p: [4.57575718867018e-24, 0.245737852626634, 0.157996659556661, 0.596265487816705] },
  { mu: [3.0, 2.9, -4.0, 0.2], sigma: [0.05, 1.0, 2.0, 0.4], p: [0.53965266074587, 0.460183316083045, 0.00016402317006118, 1.02308995176061e-12, 0] },
  { mu: [0, 0], sigma: [1.0, 0.01], p: [0.498408503617546, 0.251591496382454, 0.25] },
];

/** Seeded uniform numbers in [0, 1) (a small LCG; the test must not depend on Math.random). */
const lcg = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
};

/** Composite Simpson of Proposition 2's t-integral on [0, max(μ + 12σ)] with n panels: an independent reference. */
const simpsonReference = (mu: number[], sigma: number[], n = 20000): number[] => {
  const d = mu.length;
  const top = Math.max(...mu.map((m, j) => m + 12 * sigma[j]));
  const h = top / n;
  const out = mu.map((_, k) => {
    const f = (t: number): number => {
      let v = Math.exp(-0.5 * ((t - mu[k]) / sigma[k]) ** 2) / (Math.sqrt(2 * Math.PI) * sigma[k]);
      for (let j = 0; j < d; j++) if (j !== k) v *= normalCdf64((t - mu[j]) / sigma[j]);
      return v;
    };
    let s = f(0) + f(top);
    for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(i * h);
    return (s * h) / 3;
  });
  return [...out, mu.reduce((p, m, j) => p * normalCdf64(-m / sigma[j]), 1)];
};

describe('igrDiscreteProbs (Proposition 2)', () => {
  it('matches the docs/math.md section 9 vector with all σ equal (μ = (0.5, -0.3, 0.1), σ = 0.9)', () => {
    const p = igrDiscreteProbs([0.5, -0.3, 0.1], 0.9);
    [0.4896002481, 0.147279772, 0.2799914606, 0.0831285194].forEach((w, i) => expect(Math.abs(p[i] - w)).toBeLessThan(1e-9));
  });

  it('matches scipy adaptive quadrature with UNEQUAL σ (σ ratios up to 300) to 1e-10 absolute', () => {
    let worst = 0;
    for (const c of SCIPY) {
      const p = igrDiscreteProbs(c.mu, c.sigma);
      c.p.forEach((w, i) => (worst = Math.max(worst, Math.abs(p[i] - w))));
    }
    // The acceptance bound is 1e-6; the windowed Gauss-Kronrod rule is much better than that.
    expect(worst).toBeLessThan(1e-10);
  });

  it('keeps relative accuracy for tiny probabilities in log space', () => {
    const logP = igrDiscreteLogProbs([-1, -2, -0.5], [0.1, 3, 0.6]);
    expect(Math.abs(logP[0] - Math.log(4.57575718867018e-24))).toBeLessThan(1e-6);
    // μ = (-100, -100), σ = 0.01: y_1 > 0 needs a 10⁴-σ event and then beats y_2 ≈ -100 surely, so
    // log P(H = 1) = log Φ(-10⁴) to the accuracy of the neglected factor.
    const far = igrDiscreteLogProbs([-100, -100], [0.01, 0.01]);
    expect(Math.abs(far[0] - normalLogCdf64(-1e4)) / Math.abs(far[0])).toBeLessThan(1e-12);
    expect(far[2]).toBe(0);
  });

  it('agrees with an independent fine Simpson rule on random unequal-σ cases to 1e-6', () => {
    const rand = lcg(7);
    for (let c = 0; c < 4; c++) {
      const d = 3 + c;
      const mu = Array.from({ length: d }, () => 4 * rand() - 2);
      const sigma = Array.from({ length: d }, () => 0.3 + 2.7 * rand());
      const want = simpsonReference(mu, sigma);
      const got = igrDiscreteProbs(mu, sigma);
      want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(1e-6));
    }
  });

  it('sums to 1 for random K = 10 rows (and reports its speed)', () => {
    const rand = lcg(11);
    const start = performance.now();
    for (let r = 0; r < 20; r++) {
      const mu = Array.from({ length: 9 }, () => 6 * rand() - 3);
      const sigma = Array.from({ length: 9 }, () => Math.exp(2 * rand() - 1));
      const p = igrDiscreteProbs(mu, sigma);
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
      expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    // Loose guard against pathological slowdowns (measured ~3 ms per K = 10 row on a loaded 2-core machine).
    expect((performance.now() - start) / 20).toBeLessThan(200);
  });

  it('is batched over leading axes for tensors, with σ broadcast, and equals the row results', () => {
    const rows = [
      [0.5, -0.3, 0.1],
      [2, 1, -1],
    ];
    const got = tf.tidy(() => igrDiscreteProbs(tf.tensor3d([...rows[0], ...rows[1]], [2, 1, 3]), tf.scalar(0.9)).arraySync() as number[][][]);
    expect([got.length, got[0].length, got[0][0].length]).toEqual([2, 1, 4]);
    rows.forEach((mu, i) => igrDiscreteProbs(mu, 0.9).forEach((w, k) => expect(Math.abs(got[i][0][k] - w)).toBeLessThan(1e-7)));
    const logs = tf.tidy(() => Array.from(igrDiscreteLogProbs(tf.tensor1d(rows[0]), tf.tensor1d([0.9, 0.9, 0.9])).dataSync()));
    logs.forEach((l, k) => expect(Math.abs(Math.exp(l) - igrDiscreteProbs(rows[0], 0.9)[k])).toBeLessThan(1e-7));
  });

  it('rejects σ ≤ 0 and mismatched lengths', () => {
    expect(() => igrDiscreteProbs([0, 1], [1, 0])).toThrow(RangeError);
    expect(() => igrDiscreteProbs([0, 1], [1, 1, 1])).toThrow(RangeError);
  });
});

describe('Proposition 1 hard map and Monte Carlo recovery', () => {
  it('h(x) is e_{argmax} when max x > 0 and the K-th vertex when every x < 0', () => {
    const h = tf.tidy(() => igrHard(tf.tensor2d([[0.3, -1, 0.2], [-0.3, -1, -0.2], [-5, 1e-3, -1]])).arraySync() as number[][]);
    expect(h).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0, 1],
      [0, 1, 0, 0],
    ]);
  });

  it('Monte Carlo recovery of an IGR_I agrees with Proposition 2 within 5 standard errors', () => {
    const mu = [0.5, -0.3, 0.1];
    const sigma = [0.3, 1.7, 0.8];
    const draws = 4000;
    const mc = tf.tidy(() => Array.from(igrDiscreteProbsMonteCarlo(new IGR_I({ mu, sigma, tau: 0.5 }), new RandomStream(3), draws).dataSync()));
    const exact = igrDiscreteProbs(mu, sigma);
    exact.forEach((p, k) => expect(Math.abs(mc[k] - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / draws) + 1e-6));
  });

  it('IGR_I.discreteProbs is Proposition 2; IGR_SB.discreteProbs is a Monte Carlo histogram over K categories', () => {
    tf.tidy(() => {
      const q = new IGR_I({ mu: [[0.5, -0.3, 0.1]], sigma: 0.9, tau: 0.1 });
      const p = Array.from(q.discreteProbs().dataSync());
      [0.4896002481, 0.147279772, 0.2799914606, 0.0831285194].forEach((w, i) => expect(Math.abs(p[i] - w)).toBeLessThan(1e-6));
      const sb = new IGR_SB({ mu: [0.5, -0.3, 0.1], sigma: 0.9, tau: 0.1 });
      const h = Array.from(sb.discreteProbs(new RandomStream(1), 1000).dataSync());
      expect(h.length).toBe(4);
      expect(Math.abs(h.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
      // Every stick is > 0, so h(x) never picks the K-th vertex for IGR-SB.
      expect(h[3]).toBe(0);
      expect(() => sb.discreteProbs()).toThrow(TypeError);
    });
  });
});
