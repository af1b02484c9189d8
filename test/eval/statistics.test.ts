// The evaluation statistics on cases with known answers: distance to the nearest simplex vertex, Monte Carlo
// recovery (against Proposition 2 on an IGR-I), the smoothed proposal, IGR-SB category counts, the ELBO from
// metrics, and the recovered-distribution table.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { CategoriesUsedAccumulator, categoriesUsed } from '../../runtime/eval/categories-used.js';
import { recoverCategorical } from '../../runtime/eval/discrete-latent.js';
import { formatRecovered } from '../../runtime/eval/format-report.js';
import { smoothedLogProbs } from '../../runtime/eval/monte-carlo-recovery.js';
import { elboFromMetrics } from '../../runtime/eval/test-elbo.js';
import { VertexDistanceAccumulator, summarizeDistances, vertexDistance } from '../../runtime/eval/vertex-distance.js';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import { igrDiscreteProbs, igrHardCounts } from '../../stdlib/igr/discrete-recovery.js';
import { RandomStream } from '../../stdlib/random.js';
import { stickBreaking } from '../../stdlib/transforms/stick-breaking.js';
import { tf } from '../../stdlib/tf.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('vertexDistance', () => {
  it('is 0 at a vertex, √(1 - 1/K) at the barycentre, and ‖z - e_argmax‖ elsewhere', () => {
    const z = tf.tensor2d([
      [0, 1, 0],
      [1 / 3, 1 / 3, 1 / 3],
      [0.9, 0.1, 0],
      [0.2, 0.5, 0.3],
    ]);
    const d = Array.from(vertexDistance(z).dataSync());
    expect(d[0]).toBeCloseTo(0, 6);
    expect(d[1]).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(d[2]).toBeCloseTo(Math.hypot(0.1, 0.1), 6);
    expect(d[3]).toBeCloseTo(Math.hypot(0.2, 0.5, 0.3), 6);
  });

  it('summarises the share within 0.2, the mean, quantiles and a histogram', () => {
    const acc = new VertexDistanceAccumulator();
    acc.add(tf.tensor2d([[1, 0], [0.95, 0.05]]));
    acc.add(tf.tensor2d([[0.5, 0.5], [0.7, 0.3]]));
    const s = acc.stats()!;
    expect(s.count).toBe(4);
    expect(s.shareWithin).toBe(0.5);
    expect(s.mean).toBeCloseTo((0 + Math.SQRT2 * 0.05 + Math.SQRT2 * 0.5 + Math.SQRT2 * 0.3) / 4, 5);
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.histogram[0]).toBe(1);
    expect(s.histogram[Math.floor((Math.SQRT2 * 0.5) / s.binWidth)]).toBe(1);
    expect(summarizeDistances(new Float32Array(0))).toBeUndefined();
  });
});

describe('Monte Carlo recovery', () => {
  const mu = tf.tensor2d([[0.5, -0.3, 0.1], [-1, -2, 0.4]]);
  const sigma = tf.tensor2d([[0.9, 0.9, 0.9], [0.5, 1.5, 0.8]]);

  it('matches Proposition 2 on an IGR-I within 4 standard errors (hard counts in chunks)', () => {
    const dist = new IGR_I({ mu, sigma, tau: 0.5 });
    const samples = 40000;
    // A draw has 2 × 4 = 8 elements: chunks of 80000 elements hold 10000 draws, so the 40000 come in 4 chunks.
    const counts = igrHardCounts(dist, new RandomStream(1), samples, 80000);
    const mc = Array.from(counts.dataSync(), (c) => c / samples);
    const exact = Array.from(igrDiscreteProbs(mu, sigma).dataSync());
    // The docs/math.md section 9 test vector is the first row.
    expect(exact.slice(0, 3)).toEqual([0.4896002481, 0.147279772, 0.2799914606].map((p) => expect.closeTo(p, 6)));
    exact.forEach((p, i) => expect(Math.abs(mc[i] - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / samples) + 1e-9));
    expect(Array.from(counts.sum(-1).dataSync())).toEqual([samples, samples]);
  });

  it('smooths counts into a proposal with no zero: log((c + 1/2) / (M + K/2))', () => {
    const lp = Array.from(smoothedLogProbs(tf.tensor1d([10, 0, 0, 0]), 10).dataSync());
    expect(lp.map(Math.exp)).toEqual([10.5 / 12, 0.5 / 12, 0.5 / 12, 0.5 / 12].map((p) => expect.closeTo(p, 6)));
  });

  it('recovers each family by its own method', () => {
    const rng = new RandomStream(2);
    const igr = recoverCategorical(new IGR_I({ mu, sigma, tau: 0.5 }), rng, 100)!;
    expect(igr.method).toMatch(/Proposition 2/);
    const sb = recoverCategorical(new IGR_SB({ mu, sigma, tau: 0.5 }), rng, 100)!;
    expect(sb.method).toMatch(/Monte Carlo, 100 draws/);
    // IGR-SB's sticks are positive, so h never picks the K-th category (Proposition 1): it gets only smoothing.
    expect(Array.from(sb.probs.dataSync()).filter((_, i) => i % 4 === 3)).toEqual([0, 0]);
    expect(Math.exp(sb.logProbs.dataSync()[3])).toBeCloseTo(0.5 / 102, 6);
  });
});

describe('IGR-SB categories used', () => {
  it('counts the categories up to the one that passes ρ, plus the softmax++ category, by either truncation rule', () => {
    // σ tiny: the draw is the mean, sigmoid(μ) = (0.5, 0.5, 0.5, 0.5, 0.5): sticks 0.5, 0.25, 0.125, 0.0625, ...
    const K = 7;
    const tau = 0.5;
    const mu = tf.zeros([3, K - 1]);
    const dist = new IGR_SB({ mu, sigma: 1e-6, tau });
    const sticks = Array.from(stickBreaking(tf.fill([K - 1], 0.5)).dataSync()).slice(0, K - 1);
    // The paper's rule (IGR eq. (19)) sums z = softmax++(w/τ): float64 here.
    const den = sticks.reduce((a, w) => a + Math.exp(w / tau), 0) + 1;
    const z = sticks.map((w) => Math.exp(w / tau) / den);
    const count = (entries: number[], rho: number) => {
      const cumulative = entries.map((_, k) => entries.slice(0, k + 1).reduce((a, b) => a + b, 0));
      return Math.min(1 + cumulative.filter((c) => c <= rho).length, K - 1) + 1;
    };
    for (const rho of [0.4, 0.7, 0.9, 0.99]) {
      const bySticks = count(sticks, rho);
      const byZ = count(z, rho);
      expect(Array.from(categoriesUsed(dist, rho, new RandomStream(3), 'sticks'))).toEqual([bySticks, bySticks, bySticks]);
      expect(Array.from(categoriesUsed(dist, rho, new RandomStream(3)))).toEqual([byZ, byZ, byZ]);
    }
    // At τ = 0.5 z is spread out (the sticks are < 1), so the paper's count differs from the sticks' at ρ = 0.9.
    expect(count(z, 0.9)).not.toBe(count(sticks, 0.9));
    const acc = new CategoriesUsedAccumulator(0.9, K, 'sticks');
    acc.add(dist, new RandomStream(4));
    const s = acc.stats()!;
    expect([s.mean, s.truncation, s.max, s.draws, s.rule]).toEqual([5, 5, 5, 3, 'sticks']);
    const paper = new CategoriesUsedAccumulator(0.9, K);
    paper.add(dist, new RandomStream(4));
    expect(paper.stats()).toMatchObject({ rule: 'softmax', mean: count(z, 0.9), max: count(z, 0.9) });
  });
});

describe('elboFromMetrics', () => {
  it('reads elbo, else Σ loglik - Σ kl, else nothing', () => {
    expect(elboFromMetrics({ elbo: -100, loglik_x: -90, kl_z: 10 })).toBe(-100);
    expect(elboFromMetrics({ loglik_x: -90, kl_zc: 4, kl_zd: 2, Cd: 1 })).toBe(-96);
    expect(elboFromMetrics({ tau: 0.5 })).toBeUndefined();
  });
});

describe('formatRecovered', () => {
  it('prints one row per latent entry and the prior', () => {
    const lines = formatRecovered('z', { family: 'IGR_I', method: 'm', priorMethod: 'p', shape: [2, 3], posteriorMean: [0.5, 0.25, 0.25, 1, 0, 0], prior: [0.3, 0.3, 0.4] });
    expect(lines.slice(1)).toEqual(['    z[0]     .50 .25 .25', '    z[1]       1   0   0', '    prior    .30 .30 .40']);
  });
});
